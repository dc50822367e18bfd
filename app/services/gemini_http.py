"""The connection to Gemini's REST API: which URLs are allowed, the key's header, model paths,
and reading the paginated model list. Shared by the image client and the key check."""

from __future__ import annotations

import contextlib
import ipaddress
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

from app.core.config import ConfigError
from app.core.logging_setup import redact, register_secret
from app.core.secrets import ENV_VAR
from app.services.errors import AccountProblemError, AccountProblemKind
from app.services.gemini_errors import classify_error, shorten

NO_KEY_MESSAGE = (f"No Gemini API key is set. Set the {ENV_VAR} environment variable, or store "
                  "the key with `productsnap key set` (or in Settings).")
UNREACHABLE_MESSAGE = ("Cannot reach Google's image service. Check the internet connection, "
                       "then resume: the photos stay queued.")


def validate_api_url(url: str) -> str:
    """The base URL without a trailing slash; plain http only for this machine (a stand-in)."""
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower()
    if parts.scheme == "https" and host:
        return url.strip().rstrip("/")
    if parts.scheme == "http" and host:
        with contextlib.suppress(ValueError):
            if host == "localhost" or ipaddress.ip_address(host).is_loopback:
                return url.strip().rstrip("/")
    raise ConfigError(f"NANO_BANANA_API_URL must be an https:// address (plain http is only "
                      f"allowed for this computer), not {url!r}.")


def is_loopback(url: str) -> bool:
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_key_shape(api_key: str) -> str:
    key = api_key.strip()
    if not key:
        raise AccountProblemError(AccountProblemKind.NO_KEY, NO_KEY_MESSAGE)
    register_secret(key)
    # A header cannot carry other characters, and httpx's complaint would quote the key.
    if not all(33 <= ord(c) < 127 for c in key):
        raise AccountProblemError(AccountProblemKind.KEY_REFUSED,
                                  "The API key contains characters no API key has (spaces or "
                                  "non-ASCII). Open Settings and enter the key again.")
    return key


def model_path(model: str) -> str:
    return "models/" + quote(model.removeprefix("models/"), safe="-._")


def models_page_params(token: str | None) -> dict[str, str]:
    """The service's own page size (50): a few pages for the whole list, once a day."""
    return {"pageToken": token} if token else {}


def read_models_page(response: httpx.Response) -> Any:
    """A page of ``models.list`` as JSON; an error answer raises as the app's own error."""
    if not response.is_success:
        raise classify_error(response.status_code, response.content, "(model list)")
    try:
        return response.json()
    except ValueError:
        raise AccountProblemError(
            AccountProblemKind.SERVICE_UNREACHABLE,
            "The image service answered the model list with something the app cannot read. "
            "Try again later.", shorten(redact(response.text[:10_000]), 200)) from None


def unreachable(error: Exception) -> AccountProblemError:
    return AccountProblemError(AccountProblemKind.SERVICE_UNREACHABLE, UNREACHABLE_MESSAGE,
                               redact(f"{type(error).__name__}: {error}"))

