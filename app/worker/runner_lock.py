"""One process at a time runs the job queue: the desktop app's window or a command-line run.

A lock file in the data folder says who; a lock left by a process that died is taken over.
The window also uses it to hand photos to the window that is already open (``gui.inbox``).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QLockFile

LOCK_NAME = "runner.lock"


class RunnerLock:
    def __init__(self, data_dir: Path) -> None:
        self._lock = QLockFile(str(data_dir / LOCK_NAME))
        self._lock.setStaleLockTime(0)  # only a dead holder frees it, never the lock's age
        self._held = False

    @property
    def held(self) -> bool:
        return self._held

    def try_acquire(self) -> bool:
        """True when this process now runs the queue (or already did)."""
        if not self._held:
            self._held = self._lock.tryLock(0)
        return self._held

    def release(self) -> None:
        if self._held:
            self._lock.unlock()
            self._held = False

    def holder_pid(self) -> int | None:
        """The process that holds the lock, when another one does."""
        # PySide6 answers (pid, hostname, appname), or with a leading "found" flag in some
        # versions.
        info: object = self._lock.getLockInfo()
        if not isinstance(info, tuple) or len(info) < 3:
            return None
        if len(info) == 4:
            return int(info[1]) if info[0] else None
        return int(info[0]) or None
