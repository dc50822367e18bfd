"""Turning a failed Gemini HTTP answer into the app's own errors, each with a plain sentence.

Three outcomes: an AccountProblemError concerns every job (stop sending, ask the user once); a
GenerationFailedError concerns this photo alone; a TransientError is worth another attempt
(carrying the server's ``RetryInfo.retryDelay`` when it gave one, and ``rate_limited`` for every
429). Error bodies may be Google's JSON envelope, or HTML and plain text from a proxy. Every
detail passes through ``redact``.

What needs care (shared/reference/gemini-rest.md, "Errors"): a 429 is not always "slow down" (a
free-tier key has no image quota at all: billing, not waiting; a daily quota waits for the
reset); a 400 FAILED_PRECONDITION is billing or a region Google does not serve; a 400
INVALID_ARGUMENT is the photo, unless it names a field or setting the model does not take, which
every photo would meet alike.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from typing import Any

from app.core.logging_setup import redact
from app.services.errors import (
    AccountProblemError,
    AccountProblemKind,
    GenerationFailedError,
    TransientError,
)

TRANSIENT_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
_LIMIT_ZERO = re.compile(r"\blimit:\s*0\b")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)s\s*$")
# A region Google does not serve at all; "free tier is not available in your country" (and the
# "... without a billing account linked" variant) are billing, said apart below.
_REGION = re.compile(r"user location is not supported|not available in your (country|region)"
                     r"|not supported in your (country|region)", re.IGNORECASE)
_BILLING_WORDS = re.compile(r"free[ _-]?tier|billing", re.IGNORECASE)
# 400 INVALID_ARGUMENT naming a field the model does not know, or a size or ratio it does not
# make: the request's settings are at fault, not the photo.
_UNKNOWN_NAME = re.compile(r'Unknown name\s+\\?"?([\w.]+)', re.IGNORECASE)
_SETTING_FIELD = re.compile(r"\b(image_?size|aspect_?ratio|image_?config|generation_?config|"
                            r"response_?modalities)\b", re.IGNORECASE)
_SETTING_WORDS = re.compile(
    r"(unsupported|not supported|invalid|not (a )?valid|must be one of|not allowed)"
    r"[^.]{0,40}\b(image size|aspect ratio)\b"
    r"|\b(image size|aspect ratio)\b[^.]{0,60}"
    r"(unsupported|not supported|invalid|not (a )?valid|must be one of|not allowed)",
    re.IGNORECASE)

KEY_REFUSED = "The API key was refused. Open Settings and enter a valid Gemini API key."
FREE_TIER = ("This API key has no quota for image generation: Google's image models have no free "
             "tier, so they need billing on the key's project. This is not a daily limit and "
             "waiting will not help: enable billing in Google AI Studio, then try again.")
REGION_UNSUPPORTED = ("Gemini image generation is not offered where you are: Google refuses "
                      "requests from this location. Enabling billing does not change that; it "
                      "works only from a country where Google offers the service.")


@dataclass
class ErrorBody:
    """What a Google error envelope says; everything empty when the body was not one."""

    code: int | None = None
    status: str = ""
    message: str = ""
    reasons: list[str] = field(default_factory=list)
    quota_ids: list[str] = field(default_factory=list)
    quota_values: list[str] = field(default_factory=list)
    field_violations: list[str] = field(default_factory=list)  # BadRequest: "field: why"
    help_links: list[str] = field(default_factory=list)
    retry_delay: float | None = None
    raw_text: str = ""  # a short plain-text version of a body that was not JSON


def parse_duration(value: Any) -> float | None:
    """A protobuf Duration as JSON ("26s", "1.5s") in seconds, or None."""
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str) and (match := _DURATION.match(value)):
        return float(match.group(1))
    return None


def _plain_text(text: str) -> str:
    """An HTML or plain-text body as one short line: redacted whole, then shortened."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", text)
    text = html.unescape(re.sub(r"<[^>]+>", " ", text))
    return shorten(redact(text), 300)


def parse_error_body(body: bytes | str) -> ErrorBody:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text)
    except ValueError:
        return ErrorBody(raw_text=_plain_text(text))
    error = data.get("error") if isinstance(data, dict) else None
    if not isinstance(error, dict):
        return ErrorBody(raw_text=_plain_text(text))
    # Everything the server said is redacted whole as it is read: whatever is cut from it
    # later (a detail, a sentence for the user) can hold no piece of the key.
    parsed = ErrorBody(code=error.get("code") if isinstance(error.get("code"), int) else None,
                       status=redact(str(error.get("status") or "")),
                       message=redact(str(error.get("message") or "")))
    details = error.get("details")
    for detail in details if isinstance(details, list) else []:
        if not isinstance(detail, dict):
            continue
        kind = str(detail.get("@type", ""))
        if kind.endswith("google.rpc.ErrorInfo") and detail.get("reason"):
            parsed.reasons.append(redact(str(detail["reason"])))
        elif kind.endswith("google.rpc.QuotaFailure"):
            for violation in detail.get("violations") or []:
                if isinstance(violation, dict):
                    parsed.quota_ids.append(redact(str(violation.get("quotaId", ""))))
                    if "quotaValue" in violation:
                        parsed.quota_values.append(redact(str(violation["quotaValue"])))
        elif kind.endswith("google.rpc.RetryInfo"):
            parsed.retry_delay = parse_duration(detail.get("retryDelay"))
        elif kind.endswith("google.rpc.BadRequest"):
            for violation in detail.get("fieldViolations") or []:
                if isinstance(violation, dict):
                    said = ": ".join(str(violation[k]) for k in ("field", "description")
                                     if violation.get(k))
                    parsed.field_violations.append(redact(said) or "(unnamed field)")
        elif kind.endswith("google.rpc.Help"):
            for link in detail.get("links") or []:
                if isinstance(link, dict) and link.get("url"):
                    parsed.help_links.append(redact(str(link["url"])))
    return parsed


def _detail(status: int, body: ErrorBody) -> str:
    """The technical account: each piece redacted whole, then shortened."""
    parts = [f"HTTP {status}"]
    if body.status:
        parts.append(shorten(redact(body.status), 100))
    if body.reasons:
        parts.append(shorten(redact("reason " + ",".join(body.reasons)), 300))
    if body.quota_ids:
        parts.append(shorten(redact("quota " + ",".join(body.quota_ids)), 300))
    said = body.message or body.raw_text
    if said:
        parts.append(shorten(redact(said), 500))
    if body.field_violations:
        parts.append(shorten(redact("fields: " + "; ".join(body.field_violations)), 300))
    return redact(" ".join(parts))


def _is_free_tier(body: ErrorBody) -> bool:
    """A 429 for a key without image quota: a ``-FreeTier`` quota id (even one that also says
    PerDay), the free-tier metric in the message, or a limit of 0."""
    return (any("freetier" in q.lower() for q in body.quota_ids)
            or any("free_tier" in t.lower() for t in (body.message, body.raw_text))
            or any(_LIMIT_ZERO.search(t) for t in (body.message, body.raw_text))
            or any(v.strip() == "0" for v in body.quota_values))


def _setting_refused(body: ErrorBody) -> str | None:
    """What a 400 says about a setting the model does not take (None: not about a setting)."""
    said = body.message or body.raw_text
    unknown = _UNKNOWN_NAME.search(said)
    if unknown:
        return f"the field {unknown.group(1)}"
    # A violation inside ``contents`` concerns this request's photo or text, not a setting.
    settings = [v for v in body.field_violations if not v.startswith("contents")]
    if settings:
        return shorten(redact(settings[0]), 70)
    if _SETTING_WORDS.search(said) or ("invalid json payload" in said.lower()
                                       and _SETTING_FIELD.search(said)):
        return shorten(redact(_first_sentence(said)), 70)
    return None


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[^\s.]{2})\.(\s|$)", text.strip(), maxsplit=1)[0]


def bad_setting_message(model: str, what: str) -> str:
    return redact(f"The request had a setting that model {model} does not take ({what}). "
                  "It is a settings problem, not the photo: choose another model or image size "
                  "in Settings, then try again.")


def classify_error(status: int, body: bytes | str, model: str,
                   retry_after_header: str | None = None) -> Exception:
    """The exception for an HTTP error answer (returned, not raised)."""
    parsed = parse_error_body(body)
    detail = _detail(status, parsed)
    reasons = set(parsed.reasons)
    retry_after = parsed.retry_delay
    if retry_after is None and retry_after_header:
        retry_after = parse_duration(retry_after_header.strip() + "s")

    def account(kind: AccountProblemKind, message: str) -> AccountProblemError:
        return AccountProblemError(kind, message, detail)

    if "API_KEY_INVALID" in reasons or status == 401 or (
            status == 400 and "api key not valid" in parsed.message.lower()):
        return account(AccountProblemKind.KEY_REFUSED, KEY_REFUSED)
    said = parsed.message or parsed.raw_text
    if status in (400, 403) and _REGION.search(said) and not _BILLING_WORDS.search(said):
        return account(AccountProblemKind.REGION_UNSUPPORTED, REGION_UNSUPPORTED)
    if status == 400 and (parsed.status == "FAILED_PRECONDITION"
                          or "free tier is not available" in said.lower()):
        return account(AccountProblemKind.BILLING,
                       "Google will not serve this key without billing (the free tier is not "
                       "offered everywhere). Enable billing for the key's project in Google AI "
                       "Studio, then try again.")
    if status == 402:
        return account(AccountProblemKind.BILLING,
                       "The prepaid credit of the key's Google account is used up. Top up "
                       "billing in Google AI Studio, then try again.")
    if status == 403:
        if "SERVICE_DISABLED" in reasons:
            return account(AccountProblemKind.API_DISABLED,
                           "The Gemini API is not enabled for this key's Google Cloud project. "
                           "Enable the Generative Language API for the project, then try again.")
        return account(AccountProblemKind.KEY_REFUSED,
                       "The API key is not allowed to use the Gemini API. Open Settings and "
                       "enter a valid Gemini API key, or lift the key's restrictions.")
    if status == 404:
        return account(AccountProblemKind.MODEL_UNAVAILABLE,
                       f"Model {model} is not available any more (Google retires older models)"
                       " or the name is mistyped. Choose another model in Settings.")
    if status == 429:
        if _is_free_tier(parsed):  # before PerDay: "...PerDay...-FreeTier" is billing too
            return account(AccountProblemKind.BILLING, FREE_TIER)
        if any("perday" in q.lower() for q in parsed.quota_ids):
            return account(AccountProblemKind.DAILY_QUOTA,
                           "The daily limit of image requests for this API key is used up. It "
                           "resets at midnight Pacific time; try again then, or raise the limit "
                           "in Google AI Studio.")
        return TransientError("The image service asked the app to slow down.", detail,
                              retry_after=retry_after, rate_limited=True)
    if status in TRANSIENT_STATUSES:
        return TransientError("The image service was busy.", detail, retry_after=retry_after)
    if status == 400:
        setting = _setting_refused(parsed)
        if setting is not None:
            return account(AccountProblemKind.BAD_SETTING, bad_setting_message(model, setting))
        said = said or "no reason given"
        return GenerationFailedError(
            "The image service could not use this photo: " + shorten(redact(said), 200),
            detail)
    if status == 413:
        return GenerationFailedError("The photo is too large for the image service.", detail)
    return GenerationFailedError(
        f"The image service refused the request (HTTP {status}).", detail)


def shorten(text: str, limit: int) -> str:
    """``text`` on one line, cut to ``limit`` characters. It cuts whatever it is given: redact
    the whole text first (a key cut in two is no longer the key ``redact`` looks for)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
