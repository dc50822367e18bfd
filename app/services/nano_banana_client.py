"""The image client interface, the offline mock, and the factory that picks one.

Three calls, as in the server design this app descends from: create a job for a photo and a
style, check its status, download its result. The worker treats every client alike; the live
client (``gemini_client``) does its request inside ``create_job`` and keeps the paid result on
disk before answering, so a kill after that point loses nothing.
"""

from __future__ import annotations

import logging
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from app.core.config import Config, Mode
from app.services.model_catalog import ModelChoice
from app.services.styles import Style

log = logging.getLogger(__name__)

MOCK_STORAGE_URL = "https://mock-storage.example.com/results"


def _now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@runtime_checkable
class NanoBananaClient(Protocol):
    """What the worker needs from an image service."""

    @property
    def mode(self) -> Mode: ...

    @property
    def model(self) -> str | None:
        """The model the requests go to; None for the mock."""
        ...

    @property
    def choice(self) -> ModelChoice | None:
        """How the live model was chosen ("automatic" or the user's), and at which size."""
        ...

    def new_job_id(self) -> str:
        """A fresh id for ``create_job``: the engine records it before the request is sent."""
        ...

    def create_job(self, image_path: Path, style: Style, *, job_id: str | None = None,
                   cancel: threading.Event | None = None) -> dict[str, Any]:
        """Start a job: ``{"job_id", "status": "queued", "created_at"}``, under ``job_id`` when
        given (from ``new_job_id``). ``cancel`` stops a job still waiting to be sent."""
        ...

    def get_job_status(self, job_id: str) -> dict[str, Any]:
        """``{"job_id", "status", "output_url", "completed_at"}`` plus ``mime_type`` and
        ``usage`` (``prompt_tokens``, ``output_tokens``, ``cost_usd``) once completed."""
        ...

    def download_result(self, output_url: str) -> bytes:
        ...

    def discard(self, job_id: str) -> None:
        """Forget a job's result once the engine has stored it (or found it unusable)."""
        ...

    def stop_sending(self) -> None:
        """The app is stopping: nothing new is sent (those jobs raise StoppedError); requests
        already in flight go on, they may be paid."""
        ...

    def abort_in_flight(self) -> None:
        """Abort what is still in flight (StoppedError in those jobs: they stay queued)."""
        ...

    def close(self) -> None:
        ...


class MockNanoBananaClient:
    """Offline demo: no key, no cost, nothing sent. Every job completes at once.

    The result is drawn locally from the photo (the product on the style's backdrop, marked
    DEMO), so the demo shows something meaningful that nobody mistakes for a real result.
    """

    mode = Mode.MOCK
    model: str | None = None
    choice: ModelChoice | None = None

    def __init__(self) -> None:
        self._jobs: dict[str, tuple[Path, Style]] = {}
        self._lock = threading.Lock()
        log.info("NanoBananaClient initialized in mock mode")

    def new_job_id(self) -> str:
        return f"mock_{secrets.token_hex(6)}"

    def create_job(self, image_path: Path, style: Style, *, job_id: str | None = None,
                   cancel: threading.Event | None = None) -> dict[str, Any]:
        job_id = job_id or self.new_job_id()
        with self._lock:
            self._jobs[job_id] = (Path(image_path), style)
        log.info("[MOCK] Created job %s for mode %s", job_id, style.id)
        return {"job_id": job_id, "status": "queued", "created_at": _now_iso()}

    def get_job_status(self, job_id: str) -> dict[str, Any]:
        log.info("[MOCK] Checking status for job %s", job_id)
        with self._lock:
            known = job_id in self._jobs
        if not known:
            raise LookupError(f"no mock job {job_id}")
        return {
            "job_id": job_id,
            "status": "completed",
            "output_url": f"{MOCK_STORAGE_URL}/{job_id}.png",
            "completed_at": _now_iso(),
            "mime_type": "image/png",
            "usage": {"prompt_tokens": 0, "output_tokens": 0, "cost_usd": 0.0},
        }

    def download_result(self, output_url: str) -> bytes:
        log.info("[MOCK] Downloading result from %s", output_url)
        job_id = output_url.rsplit("/", 1)[-1].removesuffix(".png")
        with self._lock:
            image_path, style = self._jobs.pop(job_id)
        # Imported here so that building a client stays cheap (Pillow loads on first use).
        from app.images.mock_render import render_mock_result

        return render_mock_result(image_path.read_bytes(), style)

    def discard(self, job_id: str) -> None:
        with self._lock:
            self._jobs.pop(job_id, None)

    def stop_sending(self) -> None:
        pass  # nothing is sent: a demo job finishes in a moment

    def abort_in_flight(self) -> None:
        pass

    def close(self) -> None:
        with self._lock:
            self._jobs.clear()


def create_client(config: Config, **live_options: Any) -> NanoBananaClient:
    """The client for the configured mode. Mock mode never imports the network client."""
    if config.mode is Mode.MOCK:
        return MockNanoBananaClient()
    from app.services.gemini_client import GeminiImageClient

    return GeminiImageClient.from_config(config, **live_options)
