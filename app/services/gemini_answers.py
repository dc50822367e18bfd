"""Reading a generateContent answer: the image, or which of the four ways there was none.

HTTP 200 does not mean an image. The prompt can be blocked, the output blocked for safety, the
model can decline in words, or the answer can simply hold no image. Blocks are final; a decline,
an empty answer or a ``MALFORMED_RESPONSE`` is worth one more try (``NoImageError.retry_once``).
``PUP_LIMITED_DISABLED`` concerns the account (limited under Google's Prohibited Use Policy): an
AccountProblemError. An image part without any ``finishReason`` is still a paid image; a finish
reason the app does not know is a failure, never a success.

Every outcome carries the answer's ``Usage``: an answer without an image can bill tokens too. A
``modelStatus`` (a model marked for retirement) is read into ``ModelStatus``.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from app.core.logging_setup import redact
from app.services.errors import (
    AccountProblemError,
    AccountProblemKind,
    GenerationFailedError,
    TransientError,
)
from app.services.gemini_errors import shorten

BLOCKED_REASONS = frozenset({
    "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "SAFETY",
    "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION",
})
EMPTY_REASONS = frozenset({"STOP", "IMAGE_OTHER", "OTHER"})
MALFORMED = "MALFORMED_RESPONSE"  # transient on Google's side: one more try
PUP_LIMITED = "PUP_LIMITED_DISABLED"  # the account, limited under the Prohibited Use Policy

ACCOUNT_RESTRICTED = ("Google has limited this account under its Prohibited Use Policy, so the "
                      "model makes no images for it. Retrying will not help: check the notices "
                      "for the key's account in Google AI Studio (an appeal starts there).")


@dataclass(frozen=True)
class Usage:
    """An answer's ``usageMetadata``. ``output_tokens`` is ``candidatesTokenCount`` (image and
    text together); ``image_tokens`` and ``text_tokens`` split it (``candidatesTokensDetails``)
    for billing, each at its own rate. ``thoughts_tokens`` is counted apart by Google."""

    prompt_tokens: int
    output_tokens: int
    thoughts_tokens: int
    image_tokens: int = 0
    text_tokens: int = 0


@dataclass(frozen=True)
class ModelStatus:
    """A model's ``modelStatus``: its stage ("DEPRECATED"...) and when it will be retired."""

    stage: str
    retirement: datetime | None  # aware (UTC when the text gave no offset)
    message: str


@dataclass(frozen=True)
class GeneratedImage:
    data: bytes
    mime_type: str
    text: str  # what the model said beside the image (thoughts left out)
    finish_reason: str  # "" when the answer gave none (the image is kept all the same)
    usage: Usage
    model_version: str | None
    model_status: ModelStatus | None = None


class NoImageError(GenerationFailedError):
    """The answer held no usable image. ``retry_once``: a second try may well work.
    ``usage``: what the answer billed all the same (None when it said nothing)."""

    def __init__(self, message: str, detail: str | None, *, kind: str,
                 retry_once: bool, usage: Usage | None = None) -> None:
        super().__init__(message, detail)
        self.kind = kind
        self.retry_once = retry_once
        self.usage = usage


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else 0


def _parts(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The parts of the first candidate that are not thoughts."""
    candidates = data.get("candidates")
    first = candidates[0] if isinstance(candidates, list) and candidates else None
    content = first.get("content") if isinstance(first, dict) else None
    parts = content.get("parts") if isinstance(content, dict) else None
    return [p for p in parts if isinstance(p, dict) and p.get("thought") is not True] \
        if isinstance(parts, list) else []


def _has_image(data: dict[str, Any]) -> bool:
    return any(isinstance(p.get("inlineData"), dict) and p["inlineData"].get("data")
               for p in _parts(data))


def parse_usage(data: dict[str, Any]) -> Usage:
    """The token counts of an answer. Without ``candidatesTokensDetails``, every output token
    is an image token when the answer holds an image, else a text token."""
    meta = data.get("usageMetadata") if isinstance(data, dict) else None
    meta = meta if isinstance(meta, dict) else {}
    output = _int(meta.get("candidatesTokenCount"))
    image = text = 0
    details = meta.get("candidatesTokensDetails")
    split = [d for d in details if isinstance(d, dict)] if isinstance(details, list) else []
    if split:
        for entry in split:
            modality = str(entry.get("modality") or "").upper()
            if modality == "IMAGE":
                image += _int(entry.get("tokenCount"))
            elif modality == "TEXT":
                text += _int(entry.get("tokenCount"))
    elif _has_image(data):
        image = output
    else:
        text = output
    return Usage(_int(meta.get("promptTokenCount")), output,
                 _int(meta.get("thoughtsTokenCount")), image, text)


_FRACTION = re.compile(r"(\.\d{6})\d+")


def _timestamp(value: Any) -> datetime | None:
    """An RFC 3339 timestamp ("2027-01-15T00:00:00Z", nanoseconds allowed), or None."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = _FRACTION.sub(r"\1", value.strip())
    if text[-1:] in ("z", "Z"):
        text = text[:-1] + "+00:00"
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def parse_model_status(obj: Any) -> ModelStatus | None:
    """A ``modelStatus`` object (``modelStage``, ``retirementTime``, ``message``) from an answer
    or a model's metadata; an object holding one under ``modelStatus`` works too. None when
    there is none or it says nothing readable; junk fields are left empty."""
    if isinstance(obj, dict) and isinstance(obj.get("modelStatus"), dict):
        obj = obj["modelStatus"]
    if not isinstance(obj, dict):
        return None
    stage = obj.get("modelStage")
    stage = shorten(redact(stage), 60).upper() if isinstance(stage, str) else ""
    message = obj.get("message")
    message = shorten(redact(message), 500) if isinstance(message, str) else ""
    retirement = _timestamp(obj.get("retirementTime"))
    if not (stage or message or retirement):
        return None
    return ModelStatus(stage, retirement, message)


def _no_image(kind: str, message: str, detail: str, retry_once: bool,
              usage: Usage | None) -> NoImageError:
    return NoImageError(redact(message), redact(detail), kind=kind, retry_once=retry_once,
                        usage=usage)


def parse_answer(data: Any) -> GeneratedImage:
    """The image in a 200 answer; raises NoImageError, or TransientError for a garbled answer."""
    if not isinstance(data, dict):
        raise TransientError("The image service sent an answer the app cannot read.",
                             f"answer is a JSON {type(data).__name__}, not an object")
    usage = parse_usage(data)
    candidates = data.get("candidates")
    if not isinstance(candidates, list) or not candidates:
        feedback = data.get("promptFeedback")
        block = feedback.get("blockReason") if isinstance(feedback, dict) else None
        if block:
            raise _no_image("prompt_blocked",
                            "The image service blocked this request (the photo or the style's "
                            "instruction). Try another photo or style.",
                            shorten(redact(f"promptFeedback.blockReason {block}"), 300),
                            False, usage)
        raise _no_image("empty", "The image service returned no image, and gave no reason.",
                        "answer without candidates", True, usage)

    candidate = candidates[0] if isinstance(candidates[0], dict) else {}
    # What the server wrote is redacted whole as it is read, before anything is cut from it.
    reason = redact(str(candidate.get("finishReason") or ""))
    finish_message = redact(str(candidate.get("finishMessage") or ""))
    content = candidate.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    texts: list[str] = []
    image: tuple[bytes, str] | None = None
    for part in parts if isinstance(parts, list) else []:
        if not isinstance(part, dict) or part.get("thought") is True:
            continue  # Gemini 3 sends its drafts (text and images) as thought parts
        if isinstance(part.get("text"), str):
            texts.append(part["text"])
        inline = part.get("inlineData")
        if isinstance(inline, dict) and inline.get("data"):
            try:
                raw = base64.b64decode(inline["data"], validate=True)
            except (binascii.Error, ValueError, TypeError):
                raise TransientError("The image service sent a damaged image.",
                                     "inlineData.data is not valid base64") from None
            # The last image wins: the final answer comes after any drafts.
            mime = shorten(redact(str(inline.get("mimeType") or "")), 100)
            image = (raw, mime or "application/octet-stream")
    text = redact(" ".join(t.strip() for t in texts if t.strip()))
    detail = f"finishReason {reason or '(none)'}"
    if finish_message:
        detail += f": {finish_message}"
    detail = shorten(detail, 1000)

    if reason == PUP_LIMITED:
        raise AccountProblemError(AccountProblemKind.ACCOUNT_RESTRICTED, ACCOUNT_RESTRICTED,
                                  redact(detail), usage=usage)
    if reason in BLOCKED_REASONS:
        why = f" ({shorten(finish_message, 200)})" if finish_message else ""
        raise _no_image("output_blocked",
                        f"The image service blocked the result for safety reasons{why}. "
                        "Try another photo or style.", detail, False, usage)
    if reason == MALFORMED:
        raise _no_image("malformed", "The image service sent a broken answer.", detail, True,
                        usage)
    if reason == "NO_IMAGE" or (reason in EMPTY_REASONS and image is None and text):
        said = shorten(text or finish_message, 200)
        words = f': "{said}"' if said else ""
        raise _no_image("declined", f"The model declined to make this image{words}. "
                        "Try another style or rewording the instruction.",
                        detail, True, usage)
    if reason in EMPTY_REASONS and image is None:
        raise _no_image("empty", "The image service returned no image, and gave no reason.",
                        detail, True, usage)
    # No finishReason at all beside an image: still a paid image, kept. Any other reason the
    # app does not know is a failure.
    if reason not in ("STOP", "") or image is None:
        raise _no_image("unexpected",
                        "The image service ended in an unexpected way "
                        f"({shorten(reason, 80) or 'no status'}).",
                        detail, False, usage)
    version = data.get("modelVersion")
    return GeneratedImage(image[0], image[1], text, reason, usage,
                          shorten(redact(str(version)), 200) if version else None,
                          parse_model_status(data.get("modelStatus")))
