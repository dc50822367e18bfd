"""The live image client: Google's Gemini image models over the REST API, with httpx.

Wire format: shared/reference/gemini-rest.md. ``create_job`` does the whole generateContent
call (retries, the requests-per-minute limit and the in-flight cap included) and writes the
paid image to the spool folder the moment it arrives, with a JSON sidecar, before answering;
``get_job_status`` and ``download_result`` then read the spool, so a result survives a kill.
The key travels only in the ``x-goog-api-key`` header and is never kept anywhere else here.
"""

from __future__ import annotations

import json
import logging
import random
import secrets
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx

from app.core.config import Config, Mode
from app.core.logging_setup import redact
from app.core.secrets import resolve_api_key
from app.services.bounded_requests import (
    MAX_ANSWER_BYTES,
    AbortedError,
    AnswerTooLargeError,
    BoundedRequests,
    DeadlineExceededError,
)
from app.services.errors import (
    AccountProblemError,
    AccountProblemKind,
    CancelledError,
    GenerationFailedError,
    JobError,
    StoppedError,
    TransientError,
)
from app.services.gemini_answers import (
    GeneratedImage,
    ModelStatus,
    NoImageError,
    Usage,
    parse_answer,
)
from app.services.gemini_check import KeyCheck, failed, interpret
from app.services.gemini_errors import classify_error, shorten
from app.services.gemini_http import (
    UNREACHABLE_MESSAGE,
    check_key_shape,
    is_loopback,
    model_path,
    models_page_params,
    read_models_page,
    unreachable,
    validate_api_url,
)
from app.services.gemini_request import request_body
from app.services.image_models import AUTOMATIC, DEFAULT_SIZE, find_model
from app.services.model_catalog import (
    ModelCatalog,
    ModelChoice,
    ServedModel,
    choose_model,
    list_all,
)
from app.services.pricing import cost_of_answer
from app.services.rate_limit import SlidingWindowLimiter
from app.services.result_spool import ResultSpool
from app.services.styles import Style

log = logging.getLogger(__name__)

CONNECT_TIMEOUT_S = 15.0
READ_TIMEOUT_S = 180.0
MAX_ATTEMPTS = 5
BACKOFF_BASE_S = 1.0
BACKOFF_CAP_S = 60.0
# Google counts a request when it arrives, which is a little after we start it; a second of
# margin keeps "N per minute" true on Google's clock too, when connection setup varies.
RATE_WINDOW_S = 61.0
# The whole exchange of one request: 4K images on the slowest model take a minute or two.
DEFAULT_DEADLINE_S = 300.0
ModelStatusListener = Callable[[str, ModelStatus], None]


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class _NetworkError(TransientError):
    """No answer at all: refused, dropped, timed out."""


class _UnreachableError(_NetworkError):
    """No connection could be made: nothing was sent, so nothing was paid for."""


class GeminiImageClient:
    mode = Mode.LIVE

    def __init__(self, *, api_url: str, model: str, api_key: str | None, spool_dir: Path,
                 parallel: int = 4, rpm: int = 60,
                 transport: httpx.BaseTransport | None = None,
                 sleep: Callable[[float], None] = time.sleep,
                 limiter: SlidingWindowLimiter | None = None,
                 connect_timeout: float = CONNECT_TIMEOUT_S,
                 read_timeout: float = READ_TIMEOUT_S,
                 max_attempts: int = MAX_ATTEMPTS, image_size: str = DEFAULT_SIZE,
                 jitter: Callable[[], float] = random.random,
                 on_model_status: ModelStatusListener | None = None,
                 deadline_s: float = DEFAULT_DEADLINE_S,
                 max_answer_bytes: int = MAX_ANSWER_BYTES,
                 spool: ResultSpool | None = None) -> None:
        self.api_url = validate_api_url(api_url)
        self.model = model.removeprefix("models/")
        self.setting = self.model  # "automatic" or the user's model: what ``choose`` settles
        key = check_key_shape(api_key or "")
        self.spool = spool or ResultSpool(Path(spool_dir))
        self.parallel = max(1, parallel)
        self.max_attempts = max(1, max_attempts)
        self.image_size = image_size
        self.choice: ModelChoice | None = None  # how the model was chosen, when it was
        self._on_model_status = on_model_status
        self._sleep = sleep
        self._jitter = jitter
        # The default limiter keeps real time even when ``sleep`` (the retry wait) is faked:
        # a fake sleep against a real clock would spin. Pacing tests pass their own limiter.
        self._limiter = limiter or SlidingWindowLimiter(max(1, rpm), RATE_WINDOW_S)
        self._slots = threading.BoundedSemaphore(self.parallel)
        self._closing = threading.Event()
        self.deadline_s = deadline_s
        headers = {"x-goog-api-key": key, "user-agent": "ProductSnap"}
        # A proxy from the environment may carry requests to Google, never to this machine:
        # the key header goes to the configured endpoint only.
        trust_env = not is_loopback(self.api_url)
        timeout = httpx.Timeout(connect=connect_timeout, read=read_timeout, write=60.0,
                                pool=60.0)
        limits = httpx.Limits(max_connections=self.parallel + 1,
                              max_keepalive_connections=self.parallel + 1)
        self._http = httpx.Client(  # the model list: small, quick GETs
            transport=transport, verify=True, timeout=timeout, limits=limits,
            headers=headers, trust_env=trust_env)  # TLS verification is never switched off
        self._requests = BoundedRequests(lambda: httpx.AsyncClient(
            verify=True, timeout=timeout, limits=limits, headers=headers, trust_env=trust_env),
            max_bytes=max_answer_bytes)
        log.info("NanoBananaClient initialized in live mode (model setting %s, %d parallel, "
                 "%d per minute)", self.model, self.parallel, self._limiter.max_requests)

    @classmethod
    def from_config(cls, config: Config, *, api_key: str | None = None,
                    spool_dir: Path | None = None, parallel: int | None = None,
                    rpm: int | None = None, transport: httpx.BaseTransport | None = None,
                    sleep: Callable[[float], None] = time.sleep,
                    catalog: ModelCatalog | None = None,
                    **options: Any) -> GeminiImageClient:
        """Raises AccountProblemError(NO_KEY) before anything is sent when there is no key.

        With a ``catalog`` the model setting ("automatic" or an id) is checked against the
        models the service lists for this key (a free call, cached) and the size against what
        the model makes: AccountProblemError(MODEL_UNAVAILABLE) or SizeNotOfferedError before
        any photo is sent. ``options`` go to the constructor (limiter, read_timeout...).
        """
        client = cls(api_url=config.api_url, model=config.model,
                     api_key=api_key if api_key is not None else resolve_api_key(config),
                     spool_dir=spool_dir or config.paths.spool,
                     parallel=parallel or config.parallel, rpm=rpm or config.rpm,
                     transport=transport, sleep=sleep, image_size=config.image_size,
                     **{"deadline_s": config.request_deadline_s, **options})
        if catalog is not None or client.model == AUTOMATIC:
            try:
                client.choose(catalog)
            except BaseException:
                client.close()
                raise
        return client

    def choose(self, catalog: ModelCatalog | None) -> ModelChoice:
        """Settle the model and size to send with (before the first photo)."""
        served = (catalog.served(self.api_url, self.list_models) if catalog is not None
                  else self.list_models())
        choice = choose_model(self.setting, self.image_size, served)
        self.model, self.choice = choice.model, choice
        log.info("Live mode uses %s at %s%s", choice.model, choice.size,
                 " (chosen automatically)" if choice.automatic else "")
        if choice.status is not None and self._on_model_status is not None:
            self._on_model_status(choice.model, choice.status)
        return choice

    def list_models(self) -> list[ServedModel]:
        """The image models this key can use (``models.list``, every page). Free."""
        def page(token: str | None) -> Any:
            for attempt in range(1, 4):
                try:
                    response = self._http.get(f"{self.api_url}/models",
                                              params=models_page_params(token),
                                              timeout=httpx.Timeout(20.0))
                except (httpx.ConnectError, httpx.ConnectTimeout) as error:
                    raise unreachable(error) from None
                except httpx.HTTPError as error:
                    if attempt == 3:
                        raise unreachable(error) from None
                    self._wait(self._backoff(attempt, None), None)
                    continue
                try:
                    return read_models_page(response)
                except TransientError as error:
                    if attempt == 3:
                        raise AccountProblemError(AccountProblemKind.SERVICE_UNREACHABLE,
                                                  "The image service is busy and could not "
                                                  "list its models. Try again in a while.",
                                                  error.detail) from None
                    self._wait(self._backoff(attempt, error.retry_after), None)
            raise AssertionError("unreachable")

        return list_all(page)

    def __repr__(self) -> str:
        return f"GeminiImageClient(model={self.model!r}, api_url={self.api_url!r})"

    # The request ------------------------------------------------------------------------

    def build_body(self, image_path: Path, style: Style) -> dict[str, Any]:
        return request_body(image_path, style, self.model, self.image_size)

    def _is_cancelled(self, cancel: threading.Event | None) -> bool:
        """True when the job should not be sent: cancelled by the user (CancelledError) or the
        app is stopping (StoppedError: the job stays queued)."""
        if self._closing.is_set():
            raise StoppedError("stopping before the request was sent")
        return cancel is not None and cancel.is_set()

    def _wait(self, seconds: float, cancel: threading.Event | None) -> None:
        if self._sleep is time.sleep:
            (cancel or self._closing).wait(seconds)
        else:
            self._sleep(seconds)
        if self._is_cancelled(cancel):
            raise CancelledError("cancelled while waiting to retry")

    def stop_sending(self) -> None:
        """No new requests: jobs not yet sent go back to the queue; those in flight go on."""
        self._closing.set()

    def abort_in_flight(self) -> None:
        """Abort the requests still in flight (after the grace a stop allows them)."""
        self._closing.set()
        self._requests.abort()

    def _backoff(self, failures: int, retry_after: float | None) -> float:
        delay = min(BACKOFF_CAP_S, BACKOFF_BASE_S * 2.0 ** (failures - 1))
        delay *= 0.8 + 0.4 * self._jitter()  # spread workers that failed together
        return max(delay, retry_after or 0.0)

    def _attempt(self, body: bytes, cancel: threading.Event | None) -> GeneratedImage:
        while not self._slots.acquire(timeout=0.2):
            if self._is_cancelled(cancel):
                raise CancelledError("cancelled while waiting for a free connection")
        try:
            self._limiter.acquire(cancel, self._closing)
            if self._is_cancelled(cancel):
                raise CancelledError("cancelled before sending")
            url = f"{self.api_url}/{model_path(self.model)}:generateContent"
            try:
                response = self._requests.post(url, body, {"content-type": "application/json"},
                                               self.deadline_s)
            except AbortedError:
                raise StoppedError("the app stopped while the request was in flight") from None
            except DeadlineExceededError as exc:
                raise GenerationFailedError(
                    f"The image service took too long to answer (over {self.deadline_s:.0f} "
                    "seconds). Try again later.", str(exc)) from None
            except AnswerTooLargeError as exc:
                raise GenerationFailedError(
                    "The image service sent an answer far larger than any image; it was "
                    "refused. Try again later.", str(exc)) from None
            except (httpx.ConnectError, httpx.ConnectTimeout) as exc:
                raise _UnreachableError("The image service could not be reached.",
                                        redact(f"{type(exc).__name__}: {exc}")) from None
            except httpx.TimeoutException as exc:
                raise _NetworkError("The image service took too long to answer.",
                                    redact(f"{type(exc).__name__}: {exc}")) from None
            except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.ProxyError) as exc:
                raise _NetworkError("The image service could not be reached.",
                                    redact(f"{type(exc).__name__}: {exc}")) from None
            except httpx.HTTPError as exc:
                raise GenerationFailedError("The request could not be sent.",
                                            redact(f"{type(exc).__name__}: {exc}")) from None
        finally:
            self._slots.release()
        if not 200 <= response.status_code < 300:
            raise classify_error(response.status_code, response.content, self.model,
                                 response.headers.get("retry-after"))
        try:
            data = json.loads(response.content)
        except ValueError:
            text = response.content[:10_000].decode("utf-8", "replace")  # redacted whole,
            # then shortened: a key quoted near a cut is never half-kept
            raise TransientError("The image service sent an answer the app cannot read.",
                                 shorten(redact(f"HTTP {response.status_code}, not JSON: "
                                                f"{text!r}"), 300)) from None
        return parse_answer(data)

    def _cost(self, usage: Usage | None, had_image: bool) -> float:
        if usage is None:
            return 0.0
        return cost_of_answer(self.model, usage, had_image=had_image,
                              size=self.image_size).cost_usd

    def generate(self, image_path: Path, style: Style, *,
                 cancel: threading.Event | None = None) -> tuple[GeneratedImage, float]:
        """One image for one photo: up to ``max_attempts`` HTTP attempts in all.

        Returns the image and what every attempt cost together (an answer without an image
        can bill tokens too); a failure carries what was spent in ``spent_usd``."""
        body = json.dumps(self.build_body(image_path, style)).encode()
        spent: list[float] = []  # answers without an image that were tried again
        try:
            image = self._attempts(body, cancel, spent)
        except (JobError, AccountProblemError) as error:
            error.spent_usd = sum(spent) + self._cost(getattr(error, "usage", None), False)
            raise
        if image.model_status is not None and self._on_model_status is not None:
            self._on_model_status(self.model, image.model_status)
        return image, sum(spent) + self._cost(image.usage, True)

    def _attempts(self, body: bytes, cancel: threading.Event | None,
                  spent: list[float]) -> GeneratedImage:
        retried_no_image = False
        last: TransientError | None = None
        only_rate_limited = True
        attempts = 0
        while attempts < self.max_attempts:
            if self._is_cancelled(cancel):
                raise CancelledError("cancelled before sending")
            attempts += 1
            try:
                return self._attempt(body, cancel)
            except NoImageError as exc:
                if not exc.retry_once or retried_no_image or attempts >= self.max_attempts:
                    raise
                spent.append(self._cost(exc.usage, False))  # a paid attempt, tried again
                retried_no_image = True
                log.warning("No image (%s), trying once more: %s", exc.kind, exc.detail)
            except TransientError as exc:
                last = exc
                only_rate_limited = only_rate_limited and exc.rate_limited
                if attempts >= self.max_attempts:
                    break
                delay = self._backoff(attempts, exc.retry_after)
                log.warning("Attempt %d of %d failed (%s); retrying in %.1f s", attempts,
                            self.max_attempts, exc.detail or exc.message, delay)
                self._wait(delay, cancel)
        detail = f"gave up after {attempts} attempts; last: {last.detail if last else '-'}"
        if isinstance(last, _UnreachableError):
            raise AccountProblemError(AccountProblemKind.SERVICE_UNREACHABLE,
                                      UNREACHABLE_MESSAGE, detail)
        if last is not None and last.rate_limited and only_rate_limited:
            # "Slow down" after every pause the server asked for: the key's quota is spent
            # until it resets. Every photo would meet the same: pause, keep the queue.
            raise AccountProblemError(
                AccountProblemKind.QUOTA_EXHAUSTED,
                "Google keeps answering that this key's request quota is used up. Wait until "
                "it resets (daily quotas reset at midnight Pacific time) or raise the quota in "
                "Google AI Studio, then resume: the photos stay queued.", detail)
        if isinstance(last, _NetworkError):
            message = ("The image service was unreachable; check the internet connection and "
                       "try again later.")
        else:
            message = "The image service was busy; try again later."
        raise GenerationFailedError(message, detail)

    # The three calls ----------------------------------------------------------------------

    def new_job_id(self) -> str:
        return f"gem_{secrets.token_hex(6)}"

    def create_job(self, image_path: Path, style: Style, *, job_id: str | None = None,
                   cancel: threading.Event | None = None) -> dict[str, Any]:
        """Generate the image and spool it under ``job_id``; returns once the paid result is
        safe on disk."""
        job_id = job_id or self.new_job_id()
        self.spool.sidecar(job_id)  # a malformed id is refused before anything is sent
        created_at = _now_iso()
        log.info("Sending job %s (style %s) to %s", job_id, style.id, self.model)
        image, cost_usd = self.generate(image_path, style, cancel=cancel)
        usage = image.usage
        self.spool.keep(job_id, image.data, image.mime_type, {
            "created_at": created_at, "completed_at": _now_iso(), "style": style.id,
            "model": self.model, "model_version": image.model_version,
            "finish_reason": image.finish_reason, "text": image.text[:1000],
            "size": self.image_size,
            "usage": {"prompt_tokens": usage.prompt_tokens, "output_tokens": usage.output_tokens,
                      "image_tokens": usage.image_tokens, "text_tokens": usage.text_tokens,
                      "thoughts_tokens": usage.thoughts_tokens,
                      # every attempt of this request: retried answers without an image too
                      "cost_usd": cost_usd, "price_known": find_model(self.model) is not None},
        })
        log.info("Job %s: image received (%s, %d bytes, $%.4f)", job_id, image.mime_type,
                 len(image.data), cost_usd)
        return {"job_id": job_id, "status": "queued", "created_at": created_at}

    def get_job_status(self, job_id: str) -> dict[str, Any]:
        return self.spool.status(job_id)

    def download_result(self, output_url: str) -> bytes:
        return self.spool.read(output_url)

    def discard(self, job_id: str) -> None:
        self.spool.discard(job_id)

    def check_key(self) -> KeyCheck:
        """Is the key accepted, and the model setting served at the size? Lists the models the
        key can use (free): nothing is generated."""
        try:
            models = self.list_models()
        except (AccountProblemError, JobError) as problem:
            return failed(problem)
        return interpret(models, self.setting, self.image_size)

    def close(self) -> None:
        """Wake anything waiting to send or retry (they go back to the queue), abort what is
        still in flight, close the connections."""
        self._closing.set()
        self._requests.close()
        self._http.close()
