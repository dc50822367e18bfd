"""Numbered schema migrations of the job database, recorded in ``PRAGMA user_version``.

Step N takes a database at version N-1 to version N; ``upgrade`` runs the missing steps in
order inside the caller's transaction, so an upgrade lands whole or not at all. A released step
is never edited: a change to the schema is a new step at the end of ``STEPS``.

Version 1 is the schema ProductSnap 0.1 wrote (it always set ``user_version = 1``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

Step = Callable[[sqlite3.Connection], None]


def _v1_jobs(db: sqlite3.Connection) -> None:
    """ProductSnap 0.1: one table of jobs. IF NOT EXISTS: a 0.1 file may already hold it."""
    db.execute("""
        CREATE TABLE IF NOT EXISTS jobs (
            id TEXT PRIMARY KEY,
            seq INTEGER NOT NULL,
            batch_id TEXT NOT NULL DEFAULT '',
            source_path TEXT NOT NULL,
            source_hash TEXT,
            style TEXT NOT NULL,
            status TEXT NOT NULL,
            mode TEXT NOT NULL,
            created_at REAL NOT NULL,
            client_job_id TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            started_at REAL,
            finished_at REAL,
            upload_path TEXT,
            result_path TEXT,
            result_mime TEXT,
            output_path TEXT,
            thumbnail_path TEXT,
            result_thumbnail_path TEXT,
            error TEXT,
            error_detail TEXT,
            model TEXT,
            prompt_tokens INTEGER NOT NULL DEFAULT 0,
            output_tokens INTEGER NOT NULL DEFAULT 0,
            cost_usd REAL NOT NULL DEFAULT 0,
            cancel_requested INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("CREATE INDEX IF NOT EXISTS jobs_status ON jobs(status, seq)")
    db.execute("CREATE INDEX IF NOT EXISTS jobs_hash ON jobs(source_hash, style)")
    db.execute("CREATE INDEX IF NOT EXISTS jobs_finished ON jobs(finished_at)")


def _v2_request_identity(db: sqlite3.Connection) -> None:
    """The client's id for a request is recorded before the request is sent, with the time it
    went out, so a restart finds a paid result in the spool by that id instead of paying again
    (0.1 recorded the id only after the answer)."""
    db.execute("ALTER TABLE jobs ADD COLUMN request_sent_at REAL")
    db.execute("CREATE INDEX jobs_client ON jobs(client_job_id)")


def _v3_size_and_thinking(db: sqlite3.Connection) -> None:
    """The image size a job asked for (1K, 2K...) and the thinking tokens its answer billed at
    the text rate; 0.1's jobs asked for the model's only size, with no thinking."""
    db.execute("ALTER TABLE jobs ADD COLUMN image_size TEXT")
    db.execute("ALTER TABLE jobs ADD COLUMN thoughts_tokens INTEGER NOT NULL DEFAULT 0")


def _v4_billed_request(db: sqlite3.Connection) -> None:
    """Which request's cost is already on the job: the cost is recorded the moment the answer
    arrives, and a restart that collects the same answer must not count it twice."""
    db.execute("ALTER TABLE jobs ADD COLUMN billed_request TEXT")


def _v5_where_and_why(db: sqlite3.Connection) -> None:
    """Each job remembers the output folder and name pattern it was queued with (a resume
    writes where the run asked, not to today's default), the job it is another version of,
    what kind of failure it met (a photo that can never work is not retried), and a warning
    for its tile. 0.1's jobs take today's settings, as they did."""
    for column in ("output_dir", "filename_pattern", "parent_id", "error_kind", "warning"):
        db.execute(f"ALTER TABLE jobs ADD COLUMN {column} TEXT")
    db.execute("CREATE INDEX jobs_parent ON jobs(parent_id)")


def _v6_cutout_mask(db: sqlite3.Connection) -> None:
    """A job made by the local cut-out keeps its mask (touched up or as the model made it),
    so every later render and export uses the same edges; a job on a colour keeps the colour
    it was queued with."""
    for column in ("mask_path", "backdrop_colour"):
        db.execute(f"ALTER TABLE jobs ADD COLUMN {column} TEXT")


STEPS: tuple[Step, ...] = (
    _v1_jobs,
    _v2_request_identity,
    _v3_size_and_thinking,
    _v4_billed_request,
    _v5_where_and_why,
    _v6_cutout_mask,
)
LATEST = len(STEPS)


def upgrade(db: sqlite3.Connection, current: int) -> None:
    """Run the steps after ``current`` and record the new version. Call inside a transaction."""
    for number in range(current + 1, LATEST + 1):
        STEPS[number - 1](db)
    db.execute(f"PRAGMA user_version = {LATEST}")
