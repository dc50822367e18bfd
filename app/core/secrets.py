"""The Gemini API key: from the environment or a .env file, else the operating system's keyring.

The app never writes the key to a file of its own. A keyring backend that would (the plaintext
and "encrypted file" backends of keyrings.alt have a priority below 1) or that cannot store
anything (fail, null, an empty chainer) counts as no keyring. Every key read is registered with
the log redaction, so it cannot reach a log line even by accident.
"""

from __future__ import annotations

import logging

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

from app.core.config import Config
from app.core.logging_setup import register_secret

log = logging.getLogger(__name__)

SERVICE = "ProductSnap"
USERNAME = "gemini-api-key"
ENV_VAR = "NANO_BANANA_API_KEY"
MAX_KEY_LENGTH = 200  # Google's keys are 39 characters; far longer is a pasted file, not a key

_NO_KEYRING = (
    "No usable system keyring was found, so the key cannot be stored safely. Set the "
    f"{ENV_VAR} environment variable instead (or install and unlock a keyring such as "
    "GNOME Keyring or KWallet)."
)


class KeyringUnavailableError(Exception):
    """There is no keyring the key can be kept in. The message says what to do instead."""

    def __init__(self, message: str = _NO_KEYRING, detail: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


def _priority(backend: KeyringBackend) -> float:
    try:
        return float(backend.priority)
    except Exception:  # a backend whose support check fails is not usable
        return -1.0


def _backend() -> KeyringBackend:
    backend = keyring.get_keyring()
    if _priority(backend) < 1:
        raise KeyringUnavailableError(detail=f"keyring backend {_describe(backend)}")
    return backend


def _describe(backend: KeyringBackend) -> str:
    name = getattr(backend, "name", None) or type(backend).__name__
    return str(name)


def keyring_backend_name() -> str:
    """A human name for the keyring in use, e.g. "SecretService Keyring"."""
    return _describe(keyring.get_keyring())


def keyring_available() -> bool:
    return _priority(keyring.get_keyring()) >= 1


def _unavailable(exc: Exception, doing: str) -> KeyringUnavailableError:
    # Keyring errors never carry the password, but pass them through the type name only anyway.
    return KeyringUnavailableError(
        f"The system keyring could not {doing} the key ({type(exc).__name__}). Make sure the "
        f"keyring is unlocked, or set the {ENV_VAR} environment variable instead.",
        detail=f"{type(exc).__module__}.{type(exc).__name__}",
    )


def read_stored_key() -> str | None:
    """The key kept in the keyring, or None. Raises KeyringUnavailableError with no keyring."""
    backend = _backend()
    try:
        key = backend.get_password(SERVICE, USERNAME)
    except keyring.errors.NoKeyringError as exc:
        raise KeyringUnavailableError(detail=type(exc).__name__) from None
    except Exception as exc:  # locked keyring, D-Bus failure, dismissed prompt...
        raise _unavailable(exc, "read") from None
    if key:
        register_secret(key)
    return key or None


def resolve_api_key(config: Config) -> str | None:
    """The key to use: NANO_BANANA_API_KEY (environment or .env) first, then the keyring."""
    key: str | None = config.api_key
    if key:
        register_secret(key)
        return key
    try:
        return read_stored_key()
    except KeyringUnavailableError as exc:
        log.warning("No API key from the keyring: %s", exc.detail or exc.message)
        return None


def key_problem(key: str) -> str | None:
    """Why ``key`` (already stripped) cannot be an API key, in a sentence that never repeats
    it; None when it can be one. A key is printable ASCII without spaces: it travels in an HTTP
    header."""
    if not key:
        return "The API key is empty."
    if len(key) > MAX_KEY_LENGTH:
        return (f"That is not an API key: it is {len(key)} characters long (Gemini API keys "
                "are about 40).")
    if any(c.isspace() for c in key):
        return ("That is not an API key: it has spaces or line breaks inside. Paste the key "
                "alone, on one line.")
    if not all(33 <= ord(c) < 127 for c in key):
        return ("That is not an API key: it holds characters no API key has (only letters, "
                "digits and ASCII punctuation are possible).")
    return None


def store_api_key(key: str) -> None:
    """Keep the key in the keyring. Raises ValueError (with a sentence that does not repeat
    the key) for something that cannot be a key."""
    key = key.strip()
    if problem := key_problem(key):
        raise ValueError(problem)
    register_secret(key)
    backend = _backend()
    try:
        backend.set_password(SERVICE, USERNAME, key)
    except keyring.errors.NoKeyringError as exc:
        raise KeyringUnavailableError(detail=type(exc).__name__) from None
    except Exception as exc:
        raise _unavailable(exc, "store") from None
    log.info("Stored the API key in the keyring (%s)", _describe(backend))


def clear_api_key() -> bool:
    """Remove the key from the keyring; returns False when none was stored."""
    backend = _backend()
    try:
        backend.delete_password(SERVICE, USERNAME)
    except keyring.errors.PasswordDeleteError:
        return False
    except keyring.errors.NoKeyringError as exc:
        raise KeyringUnavailableError(detail=type(exc).__name__) from None
    except Exception as exc:
        raise _unavailable(exc, "remove") from None
    log.info("Removed the API key from the keyring (%s)", _describe(backend))
    return True
