"""Opening the job database: create it, upgrade it (after a backup), or refuse it plainly.

Three outcomes besides "ready":
- made by a newer ProductSnap (a ``user_version`` this build does not know): refused, the file
  left exactly as it is, so the newer app still finds its history;
- damaged (truncated, garbled header, not a database): moved aside with its WAL, never deleted,
  and the caller starts a new, empty history and tells the user where the old file is;
- not openable at all (permissions, a full disk): said plainly, nothing moved.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sqlite3
import time
from pathlib import Path

from app.core.store import migrations

log = logging.getLogger(__name__)

_MAGIC = b"SQLite format 3\x00"
_HEADER = 100  # bytes; the user_version is the big-endian int at offset 60
_DAMAGE_CODES = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
_SIDE_FILES = ("-wal", "-shm", "-journal")
_FULL_BELOW = 256 * 1024  # bytes free: too little for SQLite's WAL and shared memory


class StoreError(Exception):
    """The job database cannot be used as it is. ``message`` is for the user."""

    def __init__(self, message: str, path: Path) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


class StoreTooNewError(StoreError):
    """Written by a newer ProductSnap: refused, and left untouched."""


class StoreDamagedError(StoreError):
    """Damaged; the file was moved to ``kept_at`` and a new history can be started."""

    def __init__(self, message: str, path: Path, kept_at: Path) -> None:
        super().__init__(message, path)
        self.kept_at = kept_at


class StoreUnavailableError(StoreError):
    """Cannot be opened or upgraded now (permissions, a full disk); nothing was changed."""


def prepare(path: Path) -> None:
    """Make the database at ``path`` ready for this version of the app, or raise StoreError."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _unavailable(path, error) from error
    _check_header(path)
    try:
        db = sqlite3.connect(path, timeout=30, isolation_level=None)
    except sqlite3.Error as error:
        raise _unavailable(path, error) from error
    damage: str | None = None
    try:
        version = _version(db, path)
        damage = _integrity_problem(db)
        if damage is None and version < migrations.LATEST:
            if version >= 1:
                _backup(db, path, version)
            _upgrade(db, path)
    except sqlite3.DatabaseError as error:
        if error.sqlite_errorcode not in _DAMAGE_CODES:
            raise _unavailable(path, error) from error
        damage = str(error)
    finally:
        db.close()  # before the file is moved: Windows cannot move an open file
    if damage is not None:
        raise _set_aside(path, damage)


def _check_header(path: Path) -> None:
    """Read the header without SQLite: a newer file is refused before anything could write to
    it (even SQLite's own housekeeping on close), and a garbled one is caught early."""
    try:
        with open(path, "rb") as handle:
            header = handle.read(_HEADER)
    except FileNotFoundError:
        return
    except OSError as error:
        raise _unavailable(path, error) from error
    if not header:
        return  # an empty file is an empty database: nothing to lose
    if len(header) < _HEADER or not header.startswith(_MAGIC):
        raise _set_aside(path, "the file does not start with an SQLite header")
    _refuse_if_newer(path, int.from_bytes(header[60:64], "big"))


def _version(db: sqlite3.Connection, path: Path) -> int:
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    _refuse_if_newer(path, version)  # the WAL may hold a newer header than the file
    return version


def _refuse_if_newer(path: Path, version: int) -> None:
    if version > migrations.LATEST:
        raise StoreTooNewError(
            f"The job history {path} was made by a newer ProductSnap (database version "
            f"{version}; this version reads up to {migrations.LATEST}). Update the app to "
            "open it; the file was left as it is.", path)


def _integrity_problem(db: sqlite3.Connection) -> str | None:
    rows = db.execute("PRAGMA quick_check").fetchall()
    return None if rows == [("ok",)] else "; ".join(str(r[0]) for r in rows[:5])


def _backup(db: sqlite3.Connection, path: Path, version: int) -> None:
    """A consistent copy (WAL included) beside the file, e.g. ``jobs.sqlite3.v1.bak``, so a failed
    upgrade can be undone by hand. Never overwrites an earlier backup."""
    target = _free_name(path.with_name(f"{path.name}.v{version}.bak"))
    partial = target.with_name(target.name + ".part")
    try:
        copy = sqlite3.connect(partial)
        try:
            db.backup(copy)
        finally:
            copy.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise StoreUnavailableError(
            f"The job history {path} needs an upgrade, but a backup copy could not be written "
            f"first ({error}). Free some space on that disk, then start ProductSnap again; "
            "nothing was changed.", path) from error
    log.info("Kept a copy of the version %d job history at %s before upgrading", version, target)


def _upgrade(db: sqlite3.Connection, path: Path) -> None:
    db.execute("BEGIN IMMEDIATE")  # another process may be upgrading: wait for it, then re-read
    try:
        current = _version(db, path)
        if current < migrations.LATEST:
            migrations.upgrade(db, current)
            log.info("Upgraded the job history from version %d to %d", current,
                     migrations.LATEST)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _set_aside(path: Path, reason: str) -> StoreDamagedError:
    """Move the damaged file (and its WAL) out of the way under a dated name; never delete."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    kept = _free_name(path.with_name(f"{path.name}.damaged-{stamp}"))
    try:
        os.replace(path, kept)
        for suffix in _SIDE_FILES:
            side = path.with_name(path.name + suffix)
            if side.exists():
                os.replace(side, kept.with_name(kept.name + suffix))
    except OSError as error:
        raise StoreUnavailableError(
            f"The job history {path} is damaged ({reason}) and could not be moved aside "
            f"({error}). Move or rename that file yourself, then start ProductSnap again.",
            path) from error
    log.error("The job history %s is damaged (%s); kept it as %s", path, reason, kept)
    return StoreDamagedError(
        f"The job history {path} was damaged and could not be read, so ProductSnap started a "
        f"new, empty history. The damaged file was kept as {kept}; finished photos in your "
        "output folder are not affected.", path, kept)


def _unavailable(path: Path, error: BaseException) -> StoreUnavailableError:
    with contextlib.suppress(OSError):
        if shutil.disk_usage(path.parent).free < _FULL_BELOW:  # SQLite says "I/O error"
            return StoreUnavailableError(
                f"The ProductSnap data folder {path.parent} is full, so the job history "
                f"cannot be written: free some space on that disk, then try again.", path)
    return StoreUnavailableError(
        f"The job history {path} cannot be opened ({error}). Check that the folder exists, "
        "is writable and its disk is not full, then try again.", path)


def _free_name(path: Path) -> Path:
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.name}-{n}")
    return candidate
