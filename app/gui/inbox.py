"""Photos handed to the window that is already open.

"Open with" on a photo while ProductSnap is open starts a second copy of the app. That copy
must not open a second window that cannot run the queue: when a running window holds the
queue, it leaves the photos in that window's inbox folder and exits; the window picks them up.

The window that holds the runner lock writes its process id to ``inbox/owner``; a new start
hands off only when the lock's holder is that process (a command-line run holds it too).
Only QtCore and files: no local socket, so the frozen app needs no QtNetwork.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import uuid
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QThreadPool, Signal

from app.core.files import atomic_write_bytes
from app.gui.pools import run_for
from app.worker import RunnerLock

log = logging.getLogger(__name__)

OWNER = "owner"


def inbox_dir(data_dir: Path) -> Path:
    return data_dir / "inbox"


def hand_off(data_dir: Path, photos: list[str]) -> bool:
    """In a new start: True when an open window took the photos (this start should end)."""
    lock = RunnerLock(data_dir)
    if lock.try_acquire():  # nobody runs the queue (a lock left by a dead process is taken over)
        lock.release()
        return False
    pid = lock.holder_pid()
    try:
        owner = int((inbox_dir(data_dir) / OWNER).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if pid is None or owner != pid:
        return False  # a command-line run holds the queue: open a window of our own
    name = inbox_dir(data_dir) / f"{uuid.uuid4().hex}.json"
    atomic_write_bytes(name, json.dumps(photos).encode("utf-8"))
    return True


class Inbox(QObject):
    """The open window's side: watches the inbox once this window holds the queue."""

    photos_arrived = Signal(list)  # list[str]

    def __init__(self, data_dir: Path, pool: QThreadPool, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = inbox_dir(data_dir)
        self.pool = pool
        self._watcher: QFileSystemWatcher | None = None

    def start(self) -> None:
        if self._watcher is not None:
            return
        folder = self.folder

        def claim() -> list[str]:
            folder.mkdir(parents=True, exist_ok=True)
            atomic_write_bytes(folder / OWNER, str(os.getpid()).encode("ascii"))
            return collect(folder)

        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._changed)
        run_for(self, self.pool, claim, on_done=self._claimed, on_error=self._failed)

    def _claimed(self, photos: list[str]) -> None:
        if self._watcher is None:  # stopped meanwhile
            return
        self._watcher.addPath(str(self.folder))  # the folder exists now
        self._arrived(photos)
        self._changed("")  # a hand-off written before the watch began

    def _changed(self, _path: str) -> None:
        run_for(self, self.pool, lambda: collect(self.folder), on_done=self._arrived,
                on_error=self._failed)

    def _arrived(self, photos: list[str]) -> None:
        if photos:
            log.info("%d photo(s) handed over by another start of the app", len(photos))
            self.photos_arrived.emit(photos)

    def _failed(self, error: BaseException) -> None:
        log.warning("The inbox for photos from other starts is unavailable: %s", error)

    def stop(self) -> None:
        """At shutdown: no more hand-offs to this window."""
        if self._watcher is None:
            return
        self._watcher.directoryChanged.disconnect(self._changed)
        self._watcher.deleteLater()
        self._watcher = None
        with contextlib.suppress(OSError):
            (self.folder / OWNER).unlink(missing_ok=True)


def collect(folder: Path) -> list[str]:
    """Worker thread: the photos of every hand-off waiting in ``folder``, which are removed."""
    photos: list[str] = []
    for note in sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime):
        try:
            data = json.loads(note.read_text(encoding="utf-8"))
            note.unlink()
        except (OSError, ValueError) as error:
            log.warning("Ignoring hand-off %s: %s", note.name, error)
            continue
        photos.extend(str(p) for p in data if isinstance(p, str))
    return photos
