"""The job store: every job in SQLite (WAL), every change of status a transaction.

The file is made ready (created, upgraded or refused) by ``opening.prepare``; its schema lives
in ``migrations``.

A job is written as QUEUED before any work on it starts, so a kill at any moment loses nothing:
on the next start ``recover_interrupted`` puts PROCESSING jobs back in the queue.
Each thread gets its own connection; SQLite's WAL mode lets readers run beside one writer.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from app.core.job import Job, JobStatus
from app.core.store.opening import StoreDamagedError, prepare

_COLUMNS = [f.name for f in fields(Job)]


class JobNotFoundError(LookupError):
    pass


@dataclass(frozen=True)
class NewJob:
    source_path: str
    style: str
    mode: str
    source_hash: str | None = None
    # A job for a file that cannot be used is created already FAILED, with its reason.
    error: str | None = None
    error_detail: str | None = None
    output_dir: str | None = None  # where the result goes, as asked when it was queued
    filename_pattern: str | None = None
    parent_id: str | None = None  # "another version" of this job
    backdrop_colour: str | None = None  # "#rrggbb": a cut-out on a chosen colour


def _row_to_job(row: sqlite3.Row) -> Job:
    data = {name: row[name] for name in _COLUMNS}
    data["status"] = JobStatus(data["status"])
    data["cancel_requested"] = bool(data["cancel_requested"])
    return Job(**data)


class JobStore:
    def __init__(self, path: Path) -> None:
        self.path = path
        self._local = threading.local()
        prepare(path)  # raises StoreError: too new, damaged (moved aside), unavailable

    # -- connections -------------------------------------------------------------------------

    def _connection(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = NORMAL")  # WAL + NORMAL: durable across app kills
            db.execute("PRAGMA busy_timeout = 30000")
            self._local.db = db
        return db

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        db = self._connection()
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")

    def close(self) -> None:
        db = getattr(self._local, "db", None)
        if db is not None:
            db.close()
            self._local.db = None

    # -- reading -----------------------------------------------------------------------------

    def get(self, job_id: str) -> Job:
        row = self._connection().execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
        if row is None:
            raise JobNotFoundError(job_id)
        return _row_to_job(row)

    def find(self, job_id: str) -> Job | None:
        try:
            return self.get(job_id)
        except JobNotFoundError:
            return None

    def all(self, statuses: Iterable[JobStatus] | None = None) -> list[Job]:
        if statuses is None:
            rows = self._connection().execute("SELECT * FROM jobs ORDER BY seq").fetchall()
        else:
            wanted = [s.value for s in statuses]
            marks = ",".join("?" * len(wanted))
            rows = self._connection().execute(
                f"SELECT * FROM jobs WHERE status IN ({marks}) ORDER BY seq", wanted
            ).fetchall()
        return [_row_to_job(r) for r in rows]

    def many(self, job_ids: Sequence[str]) -> list[Job]:
        found: dict[str, Job] = {}
        for start in range(0, len(job_ids), 500):
            chunk = list(job_ids[start:start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._connection().execute(
                f"SELECT * FROM jobs WHERE id IN ({marks})", chunk).fetchall()
            found.update((r["id"], _row_to_job(r)) for r in rows)
        return [found[i] for i in job_ids if i in found]

    def queued_ids(self) -> list[str]:
        rows = self._connection().execute(
            "SELECT id FROM jobs WHERE status = 'queued' ORDER BY seq").fetchall()
        return [r[0] for r in rows]

    def counts(self) -> dict[JobStatus, int]:
        rows = self._connection().execute(
            "SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall()
        counts = dict.fromkeys(JobStatus, 0)
        counts.update({JobStatus(s): n for s, n in rows})
        return counts

    def find_duplicate(self, source_hash: str, style: str, mode: str) -> Job | None:
        """A job for the same photo and style that finished or will finish: no need to pay twice."""
        row = self._connection().execute(
            "SELECT * FROM jobs WHERE source_hash = ? AND style = ? AND mode = ? "
            "AND status IN ('queued', 'processing', 'completed') ORDER BY seq DESC LIMIT 1",
            (source_hash, style, mode),
        ).fetchone()
        return _row_to_job(row) if row else None

    def cost_between(self, start: float, end: float) -> tuple[float, int]:
        """Money spent in [start, end) and images made: a paid attempt that brought no image
        (blocked, declined) is money spent too, whatever became of its job."""
        row = self._connection().execute(
            "SELECT COALESCE(SUM(cost_usd), 0), COALESCE(SUM(status = 'completed'), 0)"
            " FROM jobs WHERE mode = 'live' AND (cost_usd > 0 OR status = 'completed')"
            " AND COALESCE(finished_at, started_at, created_at) >= ?"
            " AND COALESCE(finished_at, started_at, created_at) < ?",
            (start, end),
        ).fetchone()
        return float(row[0]), int(row[1])

    def cost_by_day(self, start: float, end: float) -> list[tuple[str, float, int]]:
        """Money spent and images made per local day ("2026-11-03") in [start, end)."""
        rows = self._connection().execute(
            "SELECT date(COALESCE(finished_at, started_at, created_at), 'unixepoch', 'localtime')"
            " AS day, SUM(cost_usd), SUM(status = 'completed') FROM jobs"
            " WHERE mode = 'live' AND (cost_usd > 0 OR status = 'completed')"
            " AND COALESCE(finished_at, started_at, created_at) >= ?"
            " AND COALESCE(finished_at, started_at, created_at) < ? GROUP BY day ORDER BY day",
            (start, end),
        ).fetchall()
        return [(str(day), float(cost), int(images)) for day, cost, images in rows]

    # -- writing -----------------------------------------------------------------------------

    def add(self, new_jobs: Sequence[NewJob], batch_id: str | None = None) -> list[Job]:
        batch_id = batch_id or uuid.uuid4().hex[:12]
        now = time.time()
        ids: list[str] = []
        with self._write() as db:
            (seq,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM jobs").fetchone()
            for n, new in enumerate(new_jobs, start=1):
                job_id = uuid.uuid4().hex[:16]
                failed = new.error is not None
                db.execute(
                    "INSERT INTO jobs (id, seq, batch_id, source_path, source_hash, style, status,"
                    " mode, created_at, error, error_detail, finished_at, output_dir,"
                    " filename_pattern, parent_id, backdrop_colour)"
                    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    (job_id, seq + n, batch_id, new.source_path, new.source_hash, new.style,
                     (JobStatus.FAILED if failed else JobStatus.QUEUED).value, new.mode, now,
                     new.error, new.error_detail, now if failed else None, new.output_dir,
                     new.filename_pattern, new.parent_id, new.backdrop_colour),
                )
                ids.append(job_id)
        return self.many(ids)

    def claim(self, job_id: str, mode: str, model: str | None,
              image_size: str | None = None) -> Job | None:
        """QUEUED -> PROCESSING, counting the attempt. None when the job is no longer queued."""
        with self._write() as db:
            changed = db.execute(
                "UPDATE jobs SET status = 'processing', attempts = attempts + 1, started_at = ?,"
                " mode = ?, model = ?, image_size = ?, error = NULL, error_detail = NULL"
                " WHERE id = ? AND status = 'queued'",
                (time.time(), mode, model, image_size, job_id),
            ).rowcount
        return self.get(job_id) if changed else None

    def update(self, job_id: str, **values: Any) -> Job:
        """Record progress inside a step (client job id, stored file paths); status unchanged."""
        bad = set(values) - set(_COLUMNS) | ({"id", "status"} & set(values))
        if bad:
            raise ValueError(f"cannot update {sorted(bad)}")
        if values:
            assignments = ", ".join(f"{name} = ?" for name in values)
            with self._write() as db:
                db.execute(f"UPDATE jobs SET {assignments} WHERE id = ?",
                           [*values.values(), job_id])
        return self.get(job_id)

    def request_started(self, job_id: str, client_job_id: str) -> Job:
        """The client's id for the request about to be sent, recorded before it goes out: a
        kill after the (paid) answer then still finds the result by this id on restart."""
        with self._write() as db:
            db.execute("UPDATE jobs SET client_job_id = ?, request_sent_at = ? WHERE id = ?",
                       (client_job_id, time.time(), job_id))
        return self.get(job_id)

    def record_billing(self, job_id: str, request_id: str, *, cost_usd: float,
                       prompt_tokens: int, output_tokens: int, thoughts_tokens: int) -> Job:
        """What the answer to ``request_id`` cost, recorded the moment it arrives, once: a
        restart that collects the same answer from the spool adds nothing."""
        with self._write() as db:
            db.execute(
                "UPDATE jobs SET cost_usd = cost_usd + ?, prompt_tokens = prompt_tokens + ?,"
                " output_tokens = output_tokens + ?, thoughts_tokens = thoughts_tokens + ?,"
                " billed_request = ? WHERE id = ? AND billed_request IS NOT ?",
                (cost_usd, prompt_tokens, output_tokens, thoughts_tokens, request_id, job_id,
                 request_id))
        return self.get(job_id)

    def _finish(self, job_id: str, status: JobStatus, allowed: tuple[JobStatus, ...],
                **values: Any) -> Job | None:
        values = {"status": status.value, "finished_at": time.time(), **values}
        assignments = ", ".join(f"{name} = ?" for name in values)
        marks = ",".join("?" * len(allowed))
        with self._write() as db:
            changed = db.execute(
                f"UPDATE jobs SET {assignments} WHERE id = ? AND status IN ({marks})",
                [*values.values(), job_id, *(s.value for s in allowed)],
            ).rowcount
        return self.get(job_id) if changed else None

    def complete(self, job_id: str, **values: Any) -> Job | None:
        return self._finish(job_id, JobStatus.COMPLETED, (JobStatus.PROCESSING,),
                            error=None, error_detail=None, **values)

    def fail(self, job_id: str, error: str, detail: str | None = None,
             spent_usd: float = 0.0, error_kind: str | None = None) -> Job | None:
        """``spent_usd``: what the failed attempts billed (blocked answers can cost tokens);
        ``error_kind`` "photo": the photo can never work, so retrying leaves it alone."""
        with self._write() as db:
            db.execute("UPDATE jobs SET cost_usd = cost_usd + ? WHERE id = ?",
                       (spent_usd, job_id))
        return self._finish(job_id, JobStatus.FAILED, (JobStatus.PROCESSING, JobStatus.QUEUED),
                            error=error, error_detail=detail, error_kind=error_kind)

    def requeue(self, job_id: str, note: str | None = None,
                spent_usd: float = 0.0) -> Job | None:
        """PROCESSING -> QUEUED, not counting the attempt: the account failed, not the photo."""
        with self._write() as db:
            changed = db.execute(
                "UPDATE jobs SET status = 'queued', attempts = MAX(attempts - 1, 0),"
                " started_at = NULL, error = ?, cost_usd = cost_usd + ?"
                " WHERE id = ? AND status = 'processing'",
                (note, spent_usd, job_id),
            ).rowcount
        return self.get(job_id) if changed else None

    def cancel(self, job_id: str) -> Job | None:
        """A queued job is cancelled at once; a running one is asked to stop at its next step."""
        with self._write() as db:
            db.execute(
                "UPDATE jobs SET status = 'cancelled', finished_at = ? "
                "WHERE id = ? AND status = 'queued'", (time.time(), job_id))
            db.execute(
                "UPDATE jobs SET cancel_requested = 1 WHERE id = ? AND status = 'processing'",
                (job_id,))
        return self.find(job_id)

    def mark_cancelled(self, job_id: str) -> Job | None:
        """A running job reached a point where it could stop, and did."""
        return self._finish(job_id, JobStatus.CANCELLED, (JobStatus.PROCESSING,))

    def retry(self, job_id: str) -> Job | None:
        """FAILED or CANCELLED -> QUEUED, keeping whatever was already paid for."""
        with self._write() as db:
            changed = db.execute(
                "UPDATE jobs SET status = 'queued', error = NULL, error_detail = NULL,"
                " error_kind = NULL, finished_at = NULL, cancel_requested = 0"
                " WHERE id = ? AND status IN ('failed', 'cancelled')",
                (job_id,),
            ).rowcount
        return self.get(job_id) if changed else None

    def recover_interrupted(self) -> list[str]:
        """After a crash or a kill: jobs left PROCESSING go back to QUEUED."""
        with self._write() as db:
            rows = db.execute("SELECT id FROM jobs WHERE status = 'processing'").fetchall()
            db.execute(
                "UPDATE jobs SET status = 'queued', started_at = NULL, cancel_requested = 0"
                " WHERE status = 'processing'")
        return [r[0] for r in rows]

    def remove(self, job_ids: Sequence[str]) -> list[Job]:
        """Forget jobs that are not running; returns the rows removed (their files are the
        caller's to tidy)."""
        removed = [j for j in self.many(job_ids) if j.status is not JobStatus.PROCESSING]
        with self._write() as db:
            db.executemany("DELETE FROM jobs WHERE id = ? AND status != 'processing'",
                           [(j.id,) for j in removed])
        return removed


def open_job_store(path: Path) -> tuple[JobStore, StoreDamagedError | None]:
    """The store at ``path``; a damaged file is moved aside and a new history begins, with the
    reason returned for the user. Too new or unavailable: StoreError propagates."""
    try:
        return JobStore(path), None
    except StoreDamagedError as damaged:
        return JobStore(path), damaged
