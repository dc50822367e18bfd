"""Progress of the current batch: "N of M done, about X left".

The one count of a batch: the job queue keeps it, and the window and the command line read it.
Jobs are counted by id, so a job reported twice, or retried within the batch, counts once.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from app.core.job import Job, JobStatus


@dataclass
class BatchProgress:
    """The jobs queued since the queue was last idle, and how each of them ended."""

    started_at: float = field(default_factory=time.monotonic)
    _ended: dict[str, JobStatus | None] = field(default_factory=dict)  # None: not ended yet
    _counts: Counter[JobStatus] = field(default_factory=Counter)
    _finished_at: list[float] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self._ended)

    @property
    def completed(self) -> int:
        return self._counts[JobStatus.COMPLETED]

    @property
    def failed(self) -> int:
        return self._counts[JobStatus.FAILED]

    @property
    def cancelled(self) -> int:
        return self._counts[JobStatus.CANCELLED]

    @property
    def done(self) -> int:
        return self.completed + self.failed + self.cancelled

    @property
    def remaining(self) -> int:
        return self.total - self.done

    def remaining_ids(self) -> list[str]:
        return [job_id for job_id, ended in self._ended.items() if ended is None]

    def __contains__(self, job_id: object) -> bool:
        return job_id in self._ended

    def add(self, job_ids: Iterable[str]) -> None:
        for job_id in job_ids:
            self._ended.setdefault(job_id, None)

    def record(self, job: Job) -> None:
        """The job's current status: an end state counts it done; queued again (a retry) makes
        it count as to do."""
        before = self._ended.get(job.id)
        now = job.status if job.status.is_final else None
        if job.id in self._ended and before is now:
            return
        if before is not None:
            self._counts[before] -= 1
        if now is not None:
            self._counts[now] += 1
            self._finished_at.append(time.monotonic())
        self._ended[job.id] = now

    def forget(self, job_ids: Iterable[str]) -> None:
        """Jobs removed from the list no longer belong to the batch."""
        for job_id in job_ids:
            if job_id in self._ended:
                before = self._ended.pop(job_id)
                if before is not None:
                    self._counts[before] -= 1

    def seconds_left(self) -> float | None:
        """From the pace of the last jobs to finish (it already includes the parallelism)."""
        recent = self._finished_at[-20:]
        if self.remaining == 0 or not recent:
            return None
        first = self.started_at if len(recent) < 2 else recent[0]
        span = recent[-1] - first
        per_job = span / max(1, len(recent) - (0 if len(recent) < 2 else 1))
        return per_job * self.remaining

    def summary(self) -> str:
        """For the command line and the log: "3 completed, 1 failed, 2 still queued"."""
        parts = [f"{self.completed} completed", f"{self.failed} failed"]
        if self.cancelled:
            parts.append(f"{self.cancelled} cancelled")
        if self.remaining:
            parts.append(f"{self.remaining} still queued")
        return ", ".join(parts)
