"""Progress of the current batch: "N of M done, about X left"."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from app.core.job import Job, JobStatus


@dataclass
class BatchProgress:
    """Counts for the jobs queued since the queue was last idle."""

    started_at: float = field(default_factory=time.monotonic)
    total: int = 0
    completed: int = 0
    failed: int = 0
    cancelled: int = 0
    _finished_at: list[float] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.completed + self.failed + self.cancelled

    @property
    def remaining(self) -> int:
        return max(0, self.total - self.done)

    def add(self, count: int) -> None:
        self.total += count

    def record(self, job: Job) -> None:
        if job.status is JobStatus.COMPLETED:
            self.completed += 1
        elif job.status is JobStatus.FAILED:
            self.failed += 1
        elif job.status is JobStatus.CANCELLED:
            self.cancelled += 1
        else:
            return
        self._finished_at.append(time.monotonic())

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
        parts = [f"{self.completed} of {self.total} done"]
        if self.failed:
            parts.append(f"{self.failed} failed")
        if self.cancelled:
            parts.append(f"{self.cancelled} cancelled")
        return ", ".join(parts)
