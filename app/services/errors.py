"""Failures a job can meet, each with a plain sentence for the shop owner.

``message`` is what the user reads (short, says what to do next); ``detail`` is the technical
account for the log and the job's detail view. Neither ever holds the API key.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING

from app.core.logging_setup import redact

if TYPE_CHECKING:
    from app.services.gemini_answers import Usage


class JobError(Exception):
    """This one job cannot go on. The message is shown on its tile.

    ``spent_usd``: what the attempts that ended so billed (an answer without an image can still
    bill tokens); the engine adds it to the job's cost."""

    spent_usd: float = 0.0
    kind: str | None = None  # "photo" when the photo itself can never work

    def __init__(self, message: str, detail: str | None = None) -> None:
        message, detail = redact(message), None if detail is None else redact(detail)
        super().__init__(message)
        self.message = message
        self.detail = detail


class PhotoUnusableError(JobError):
    """The file cannot be used as a photo: empty, not an image, truncated, too small..."""


class GenerationFailedError(JobError):
    """The service did not make an image for this photo (blocked, declined, rejected, gave up)."""


class TransientError(JobError):
    """Worth trying again later: the service was busy or the connection broke.

    ``rate_limited``: the service answered 429 (too many requests, or a quota it did not name);
    when that keeps coming after every retry, the quota is spent, not the service busy."""

    def __init__(self, message: str, detail: str | None = None,
                 retry_after: float | None = None, *, rate_limited: bool = False) -> None:
        super().__init__(message, detail)
        self.retry_after = retry_after
        self.rate_limited = rate_limited


class AccountProblemKind(StrEnum):
    KEY_REFUSED = "key_refused"
    NO_KEY = "no_key"
    BILLING = "billing"
    API_DISABLED = "api_disabled"
    DAILY_QUOTA = "daily_quota"
    MODEL_UNAVAILABLE = "model_unavailable"
    # The service is not offered where the user is: billing does not change that.
    REGION_UNSUPPORTED = "region_unsupported"
    # Google limited the account (Prohibited Use Policy): nothing the app can retry.
    ACCOUNT_RESTRICTED = "account_restricted"
    # 429 again and again after every retry: the quota is spent until it resets.
    QUOTA_EXHAUSTED = "quota_exhausted"
    # Not the account, but these too concern every job alike: no connection to the service,
    # or a setting the live client cannot run with (an http:// endpoint, say).
    SERVICE_UNREACHABLE = "service_unreachable"
    BAD_SETTING = "bad_setting"
    # The machine, not the photo: a folder the app writes to is full, read-only or not
    # writable. A result already paid for is kept and exported once the folder is fixed.
    STORAGE = "storage"
    # The month's spend would pass the budget the user set: raise it, or wait for next month.
    BUDGET = "budget"
    # A file of the app itself (the cut-out model) is missing or damaged: reinstalling fixes it.
    INSTALLATION = "installation"


class AccountProblemError(Exception):
    """Concerns every job, not this photo: stop sending, keep the queue, ask the user once.

    Mostly the account (key, billing, quota, model); also a service that cannot be reached at
    all, which would otherwise fail a whole batch photo by photo while the network is down.

    ``usage``: the tokens the answer billed, when a 200 answer carried the problem;
    ``spent_usd``: what the attempts of the job that met it billed."""

    spent_usd: float = 0.0

    def __init__(self, kind: AccountProblemKind, message: str, detail: str | None = None,
                 *, usage: Usage | None = None) -> None:
        # A backstop: whatever the text quotes, no piece of the key is kept (it is stored
        # on the job and shown).
        message, detail = redact(message), None if detail is None else redact(detail)
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = detail
        self.usage = usage


class CancelledError(Exception):
    """The user cancelled the job before it was sent."""


class StoppedError(Exception):
    """The app is stopping (Ctrl+C, SIGTERM, quit): the job goes back to the queue untouched,
    to be finished by ``productsnap resume`` or the next start."""
