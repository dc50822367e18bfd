"""The batch count the window and the command line both read: by job id, so nothing counts twice."""

from __future__ import annotations

from app.core.batch import BatchProgress
from app.core.job import Job, JobStatus


def _job(job_id: str, status: JobStatus) -> Job:
    return Job(id=job_id, source_path=f"/p/{job_id}.jpg", style="studio_white", status=status,
               mode="mock", created_at=0.0)


def test_a_job_reported_twice_counts_once() -> None:
    batch = BatchProgress()
    batch.add(["a", "b", "c"])
    batch.record(_job("a", JobStatus.COMPLETED))
    batch.record(_job("a", JobStatus.COMPLETED))
    assert (batch.total, batch.done, batch.completed, batch.remaining) == (3, 1, 1, 2)


def test_a_retry_within_the_batch_moves_the_job_back_to_to_do() -> None:
    batch = BatchProgress()
    batch.add(["a", "b"])
    batch.record(_job("a", JobStatus.FAILED))
    assert batch.failed == 1
    batch.record(_job("a", JobStatus.QUEUED))
    assert (batch.failed, batch.done, batch.remaining) == (0, 0, 2)
    batch.record(_job("a", JobStatus.COMPLETED))
    assert (batch.completed, batch.failed, batch.total) == (1, 0, 2)


def test_a_file_that_failed_at_intake_joins_the_batch_as_failed() -> None:
    batch = BatchProgress()
    batch.record(_job("bad", JobStatus.FAILED))
    assert (batch.total, batch.failed, batch.remaining) == (1, 1, 0)


def test_removed_jobs_leave_the_batch() -> None:
    batch = BatchProgress()
    batch.add(["a", "b"])
    batch.record(_job("a", JobStatus.CANCELLED))
    batch.forget(["a", "b"])
    assert (batch.total, batch.cancelled, batch.remaining) == (0, 0, 0)


def test_the_summary_names_what_is_still_queued() -> None:
    batch = BatchProgress()
    batch.add(["a", "b", "c"])
    batch.record(_job("a", JobStatus.COMPLETED))
    batch.record(_job("b", JobStatus.FAILED))
    assert batch.summary() == "1 completed, 1 failed, 1 still queued"
