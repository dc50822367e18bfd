"""A photo sent to the image service and its answer collected, paid for exactly once.

The client's request id is recorded before the request goes out and the money the moment the
answer arrives, so a kill at any point neither loses a paid result nor pays for it twice: a
restart collects the answer from the spool under that id. Each request holds its estimate
against the monthly budget while it is in flight.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.budget import MonthlyBudget
from app.core.config import Mode
from app.core.job import Job
from app.core.store import JobStore
from app.services.errors import GenerationFailedError
from app.services.nano_banana_client import NanoBananaClient
from app.services.styles import Style

BUDGET_MARGIN = 1.15  # input and thinking tokens on top of the image's list price

Status = dict[str, Any]


class PaidRequests:
    def __init__(self, store: JobStore, budget: MonthlyBudget,
                 image_size: Callable[[], str]) -> None:
        self.store = store
        self.budget = budget
        self._image_size = image_size  # the engine's current setting

    def collected(self, job: Job, client: NanoBananaClient) -> tuple[Job, Status] | None:
        """The answer to a request sent before a kill, still in the spool: counted once."""
        if not job.client_job_id:
            return None
        try:
            status = client.get_job_status(job.client_job_id)
        except LookupError:
            return None
        return self.record_billing(job, status), status

    def send(self, job: Job, style: Style, client: NanoBananaClient,
             cancel: threading.Event | None) -> tuple[Job, Status]:
        # Held against the monthly budget from before the request until its real cost is on
        # the job: requests in flight together cannot pass the budget.
        with self.budget.reserve(job.id, self.estimate_one(client)):
            # The id is recorded before the request goes out: if the app is killed after the
            # paid answer arrived (the client spools it under this id), the restart collects it.
            job = self.store.request_started(job.id, client.new_job_id())
            assert job.client_job_id is not None
            created = client.create_job(Path(job.upload_path or ""), style,
                                        job_id=job.client_job_id, cancel=cancel)
            status = client.get_job_status(created["job_id"])
            return self.record_billing(job, status), status

    @staticmethod
    def download(client: NanoBananaClient, status: Status) -> tuple[bytes, str]:
        return (client.download_result(status["output_url"]),
                str(status.get("mime_type") or "image/png"))

    def record_billing(self, job: Job, status: Status) -> Job:
        """The money is spent the moment the answer arrived, whatever happens next."""
        if status.get("status") != "completed":
            raise GenerationFailedError("The image service did not finish this photo. Try again.",
                                        f"status {status.get('status')!r}")
        usage = dict(status.get("usage") or {})
        if not job.client_job_id:
            return job
        return self.store.record_billing(
            job.id, job.client_job_id, cost_usd=float(usage.get("cost_usd") or 0.0),
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            output_tokens=int(usage.get("output_tokens") or 0),
            thoughts_tokens=int(usage.get("thoughts_tokens") or 0))

    def estimate_one(self, client: NanoBananaClient) -> float | None:
        """What one request may cost, for the budget: the list price with a margin for the
        photo's input tokens and the model's thinking (demo mode: nothing)."""
        if client.mode is Mode.MOCK:
            return 0.0
        from app.services.pricing import price_per_image

        price = price_per_image(client.model or "", self._image_size())
        return None if price is None else price * BUDGET_MARGIN
