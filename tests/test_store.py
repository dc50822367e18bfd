"""The job store on a real SQLite file: lifecycle, retry, cancel, recovery, usage."""

from __future__ import annotations

import sqlite3
import threading
import time
from datetime import date
from pathlib import Path

import pytest

from app.core.job import JobStatus
from app.core.store import JobStore, NewJob
from app.core.usage import usage_in_month, usage_on


@pytest.fixture
def store(tmp_path: Path) -> JobStore:
    return JobStore(tmp_path / "jobs.sqlite3")


def _new(name: str = "a.jpg", style: str = "studio_white", **kw: object) -> NewJob:
    return NewJob(source_path=f"/photos/{name}", style=style, mode="mock", **kw)  # type: ignore[arg-type]


def test_jobs_are_written_queued_in_wal_mode(store: JobStore, tmp_path: Path) -> None:
    jobs = store.add([_new("a.jpg"), _new("b.jpg")])
    assert [j.status for j in jobs] == [JobStatus.QUEUED, JobStatus.QUEUED]
    assert jobs[0].batch_id == jobs[1].batch_id
    # Another connection (another process) sees them at once.
    raw = sqlite3.connect(tmp_path / "jobs.sqlite3")
    assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert raw.execute("SELECT COUNT(*) FROM jobs WHERE status='queued'").fetchone()[0] == 2


def test_lifecycle_queued_processing_completed(store: JobStore) -> None:
    (job,) = store.add([_new()])
    claimed = store.claim(job.id, "mock", None)
    assert claimed is not None and claimed.status is JobStatus.PROCESSING
    assert claimed.attempts == 1 and claimed.started_at is not None
    assert store.claim(job.id, "mock", None) is None  # nobody claims it twice
    done = store.complete(job.id, output_path="/out/a.png", cost_usd=0.039)
    assert done is not None and done.status is JobStatus.COMPLETED
    assert done.finished_at is not None and done.cost_usd == pytest.approx(0.039)
    assert store.complete(job.id) is None  # an end state is final


def test_failed_job_can_be_retried_and_keeps_its_attempts(store: JobStore) -> None:
    (job,) = store.add([_new()])
    store.claim(job.id, "mock", None)
    failed = store.fail(job.id, "Blocked", "finishReason IMAGE_SAFETY")
    assert failed is not None and failed.status is JobStatus.FAILED
    assert failed.error == "Blocked"
    retried = store.retry(job.id)
    assert retried is not None and retried.status is JobStatus.QUEUED
    assert retried.error is None and retried.attempts == 1
    assert store.retry(job.id) is None  # only failed or cancelled jobs are retried


def test_cancel_queued_at_once_and_running_at_its_next_step(store: JobStore) -> None:
    queued, running = store.add([_new("a.jpg"), _new("b.jpg")])
    store.claim(running.id, "mock", None)
    assert store.cancel(queued.id).status is JobStatus.CANCELLED  # type: ignore[union-attr]
    asked = store.cancel(running.id)
    assert asked is not None and asked.status is JobStatus.PROCESSING and asked.cancel_requested
    assert store.mark_cancelled(running.id).status is JobStatus.CANCELLED  # type: ignore[union-attr]
    assert store.retry(running.id).cancel_requested is False  # type: ignore[union-attr]


def test_recover_puts_interrupted_jobs_back_and_leaves_finished_ones(store: JobStore) -> None:
    a, b, c = store.add([_new("a.jpg"), _new("b.jpg"), _new("c.jpg")])
    store.claim(a.id, "mock", None)
    store.claim(b.id, "mock", None)
    store.complete(b.id)
    assert store.recover_interrupted() == [a.id]
    assert store.get(a.id).status is JobStatus.QUEUED
    assert store.get(b.id).status is JobStatus.COMPLETED
    assert store.queued_ids() == [a.id, c.id]


def test_requeue_for_an_account_problem_does_not_count_the_attempt(store: JobStore) -> None:
    (job,) = store.add([_new()])
    store.claim(job.id, "live", "gemini-2.5-flash-image")
    back = store.requeue(job.id, "The API key was refused.")
    assert back is not None and back.status is JobStatus.QUEUED and back.attempts == 0


def test_a_bad_file_is_added_as_one_failed_job(store: JobStore) -> None:
    (job,) = store.add([_new(error="This file is empty.")])
    assert job.status is JobStatus.FAILED and job.error == "This file is empty."


def test_duplicates_are_found_by_content_style_and_mode(store: JobStore) -> None:
    (job,) = store.add([_new(source_hash="abc")])
    assert store.find_duplicate("abc", "studio_white", "mock") == job
    assert store.find_duplicate("abc", "flat_lay", "mock") is None
    assert store.find_duplicate("abc", "studio_white", "live") is None
    store.claim(job.id, "mock", None)
    store.fail(job.id, "x")
    assert store.find_duplicate("abc", "studio_white", "mock") is None  # a failure is no result


def test_usage_totals_per_day_and_month(store: JobStore) -> None:
    jobs = store.add([NewJob(f"/p/{n}.jpg", "studio_white", "live") for n in range(3)])
    for job in jobs[:2]:
        store.claim(job.id, "live", "gemini-2.5-flash-image")
        store.complete(job.id, cost_usd=0.039)
    store.claim(jobs[2].id, "live", "gemini-2.5-flash-image")
    store.fail(jobs[2].id, "blocked")
    today = date.today()
    assert usage_on(store, today).images == 2
    assert usage_on(store, today).cost_usd == pytest.approx(0.078)
    assert usage_in_month(store, today.year, today.month).cost_usd == pytest.approx(0.078)
    last_year = usage_in_month(store, today.year - 1, today.month)
    assert (last_year.images, last_year.cost_usd) == (0, 0.0)


def test_threads_write_concurrently_without_losing_a_change(store: JobStore) -> None:
    jobs = store.add([_new(f"{n}.jpg") for n in range(40)])
    claimed: list[str] = []
    lock = threading.Lock()

    def worker() -> None:
        for job in jobs:
            if store.claim(job.id, "mock", None):
                with lock:
                    claimed.append(job.id)
                store.complete(job.id)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(claimed) == sorted(j.id for j in jobs)  # each claimed exactly once
    assert store.counts()[JobStatus.COMPLETED] == 40


def test_remove_forgets_jobs_but_not_running_ones(store: JobStore) -> None:
    a, b = store.add([_new("a.jpg"), _new("b.jpg")])
    store.claim(b.id, "mock", None)
    removed = store.remove([a.id, b.id])
    assert [j.id for j in removed] == [a.id]
    assert store.find(a.id) is None and store.find(b.id) is not None
    assert time.time() >= b.created_at


def test_spend_is_counted_per_day_failed_paid_attempts_included(store: JobStore) -> None:
    from app.core.usage import usage_by_day_this_month

    done, blocked, demo = store.add([
        NewJob("/p/a.jpg", "studio_white", "live"), NewJob("/p/b.jpg", "studio_white", "live"),
        NewJob("/p/c.jpg", "studio_white", "mock")])
    for job in (done, blocked, demo):
        store.claim(job.id, job.mode, None)
    store.record_billing(done.id, "gem_000000000001", cost_usd=0.0387, prompt_tokens=298,
                         output_tokens=1290, thoughts_tokens=0)
    store.complete(done.id)
    store.fail(blocked.id, "blocked", spent_usd=0.0004)
    store.complete(demo.id)
    ((day, totals),) = usage_by_day_this_month(store)
    assert day == date.today()
    assert totals.cost_usd == pytest.approx(0.0391) and totals.images == 1
