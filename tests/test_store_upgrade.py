"""Opening the job database: a 0.1 history is upgraded in place after a backup, a newer one is
refused untouched, a damaged one is set aside (never deleted) and a new history begins."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.job import JobStatus
from app.core.store import (
    SCHEMA_VERSION,
    JobStore,
    NewJob,
    StoreDamagedError,
    StoreTooNewError,
    migrations,
    open_job_store,
)
from tests.processes import child_env

FIXTURE = Path(__file__).parent / "fixtures" / "jobs_v1.sql"


def build_v1(path: Path) -> Path:
    """A database exactly as 0.1 left it, from the fixture 0.1's own store wrote."""
    db = sqlite3.connect(path)
    db.executescript(FIXTURE.read_text(encoding="utf-8"))
    db.close()
    return path


def rows(path: Path) -> list[tuple[object, ...]]:
    db = sqlite3.connect(path)
    try:
        return db.execute(
            "SELECT id, seq, batch_id, source_path, style, status, mode, client_job_id,"
            " attempts, upload_path, result_path, output_path, error, model, prompt_tokens,"
            " output_tokens, cost_usd FROM jobs ORDER BY seq").fetchall()
    finally:
        db.close()


def version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return int(db.execute("PRAGMA user_version").fetchone()[0])
    finally:
        db.close()


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_0_1_history_is_upgraded_in_place_and_every_job_survives(tmp_path: Path) -> None:
    path = build_v1(tmp_path / "jobs.sqlite3")
    before = rows(path)
    assert version(path) == 1 and len(before) == 7

    store = JobStore(path)
    assert version(path) == SCHEMA_VERSION > 1
    assert rows(path) == before  # every id, status, path, token count and cost, unchanged
    jobs = {job.source_path.rsplit("/", 1)[-1]: job for job in store.all()}
    assert jobs["mug.jpg"].status is JobStatus.COMPLETED
    assert jobs["mug.jpg"].cost_usd == pytest.approx(0.0387)
    assert jobs["mug.jpg"].output_path == "/home/shop/Pictures/ProductSnap/mug_studio_white.png"
    assert jobs["empty.jpg"].status is JobStatus.FAILED and jobs["empty.jpg"].error
    assert jobs["lamp.jpg"].status is JobStatus.PROCESSING  # killed mid-run in 0.1
    assert store.recover_interrupted() == [jobs["lamp.jpg"].id]  # and it resumes
    assert jobs["mug.jpg"].request_sent_at is None  # the new column, empty for old rows
    store.close()

    backup = tmp_path / "jobs.sqlite3.v1.bak"
    assert version(backup) == 1 and rows(backup) == before


def test_an_upgrade_that_fails_midway_leaves_the_file_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = build_v1(tmp_path / "jobs.sqlite3")
    before = rows(path)

    def broken_step(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE jobs ADD COLUMN half_done TEXT")
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(migrations, "STEPS", (*migrations.STEPS, broken_step))
    monkeypatch.setattr(migrations, "LATEST", len(migrations.STEPS))
    with pytest.raises(RuntimeError):
        JobStore(path)
    assert version(path) == 1 and rows(path) == before
    columns = [r[1] for r in sqlite3.connect(path).execute("PRAGMA table_info(jobs)")]
    assert "half_done" not in columns and "request_sent_at" not in columns
    assert (tmp_path / "jobs.sqlite3.v1.bak").exists()


def test_a_second_upgrade_keeps_the_first_backup(tmp_path: Path) -> None:
    path = build_v1(tmp_path / "jobs.sqlite3")
    (tmp_path / "jobs.sqlite3.v1.bak").write_bytes(b"an earlier backup")
    JobStore(path).close()
    assert (tmp_path / "jobs.sqlite3.v1.bak").read_bytes() == b"an earlier backup"
    assert version(tmp_path / "jobs.sqlite3.v1.bak-2") == 1


def test_a_new_database_starts_at_the_latest_version_without_a_backup(tmp_path: Path) -> None:
    JobStore(tmp_path / "jobs.sqlite3").close()
    assert version(tmp_path / "jobs.sqlite3") == SCHEMA_VERSION
    assert sorted(p.name for p in tmp_path.glob("*.bak")) == []


def test_a_database_from_a_newer_version_is_refused_and_left_untouched(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    path = build_v1(tmp_path / "data" / "jobs.sqlite3")
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    db.close()
    before, mtime = digest(path), path.stat().st_mtime_ns

    with pytest.raises(StoreTooNewError) as refused:
        JobStore(path)
    assert "newer ProductSnap" in refused.value.message
    assert "Update the app" in refused.value.message
    assert digest(path) == before and path.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in path.parent.iterdir()) == ["jobs.sqlite3"]


def _truncated(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])


def _garbled_header(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(b"\x00garbage\xff" * 4 + data[40:])


def _not_a_database(path: Path) -> None:
    path.write_text("these are my shop notes, not a database\n" * 50, encoding="utf-8")


@pytest.mark.parametrize("damage", [_truncated, _garbled_header, _not_a_database])
def test_a_damaged_database_is_set_aside_and_a_new_history_begins(
        tmp_path: Path, damage: object) -> None:
    path = tmp_path / "jobs.sqlite3"
    store = JobStore(path)  # a real, current database first
    for n in range(300):  # enough rows that a third of the file cuts through the table
        store.add([_new(n)])
    store.close()
    _checkpoint(path)
    damage(path)  # type: ignore[operator]
    damaged = path.read_bytes()

    fresh, notice = open_job_store(path)
    assert isinstance(notice, StoreDamagedError)
    assert str(path) in notice.message and str(notice.kept_at) in notice.message
    assert notice.kept_at.read_bytes() == damaged  # kept, byte for byte
    assert fresh.all() == [] and version(path) == SCHEMA_VERSION
    fresh.close()


def _new(n: int) -> NewJob:
    return NewJob(source_path=f"/photos/{n:04}.jpg", style="studio_white", mode="mock")


def _checkpoint(path: Path) -> None:
    """Fold the WAL into the file, as a clean shutdown does, so the damage hits real pages."""
    db = sqlite3.connect(path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def _cli(args: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = child_env(PRODUCTSNAP_DATA_DIR=str(data_dir))
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_command_line_refuses_a_newer_history_with_exit_code_2(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    path = build_v1(data / "jobs.sqlite3")
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = digest(path)
    for args in (["jobs"], ["resume"]):
        result = _cli(args, data)
        assert result.returncode == 2, result.stderr
        assert "newer ProductSnap" in result.stderr and "Traceback" not in result.stderr
    assert digest(path) == before


def test_the_command_line_lists_an_upgraded_0_1_history(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    build_v1(data / "jobs.sqlite3")
    result = _cli(["jobs", "--json"], data)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.splitlines()) == 7
    assert (data / "jobs.sqlite3.v1.bak").exists()


def test_the_command_line_says_plainly_when_the_history_was_damaged(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    _not_a_database(data / "jobs.sqlite3")
    result = _cli(["jobs"], data)
    assert result.returncode == 0, result.stderr
    assert "was damaged" in result.stderr and "Traceback" not in result.stderr
    kept = list(data.glob("jobs.sqlite3.damaged-*"))
    assert len(kept) == 1 and kept[0].read_text(encoding="utf-8").startswith("these are my")
