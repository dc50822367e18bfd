"""The thread pools of the desktop app: every piece of file, image, database, keyring and network
work goes to one of these through ``app.worker.run_task``, never onto the GUI thread."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QObject, QThreadPool

from app.worker import run_task


class Pools(QObject):
    """``io``: store reads, file copies, keyring, settings; ``images``: thumbnails and full-size
    pictures for the detail view (decoding is CPU work, kept apart so it never waits behind a
    slow disk read); ``network``: choosing the live model (a free call to the image service
    that can wait on a slow network, kept apart so it never holds up a file read)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.io = QThreadPool(self)
        self.io.setMaxThreadCount(2)
        self.images = QThreadPool(self)
        self.images.setMaxThreadCount(max(1, min(2, (os.cpu_count() or 2) - 1)))
        self.network = QThreadPool(self)
        self.network.setMaxThreadCount(1)  # one at a time: the second finds the model chosen

    def wait(self, timeout_ms: int = 10_000) -> bool:
        """Wait for every task already started (at shutdown, and in tests)."""
        done = self.io.waitForDone(timeout_ms)
        done = self.network.waitForDone(timeout_ms) and done
        return self.images.waitForDone(timeout_ms) and done


def guarded(owner: QObject, fn: Callable[..., Any]) -> Callable[..., None]:
    """``fn``, skipped once ``owner`` is deleted: a task's answer may outlive the widget that
    asked (a closed dialog, a window torn down while a thumbnail was loading)."""
    def call(*args: Any) -> None:
        if shiboken6.isValid(owner):
            fn(*args)
    return call


def run_for(owner: QObject, pool: QThreadPool, fn: Callable[..., Any], *,
            on_done: Callable[[Any], None] | None = None,
            on_error: Callable[[BaseException], None] | None = None) -> None:
    """``run_task`` whose callbacks are dropped once ``owner`` is gone."""
    run_task(pool, fn, on_done=guarded(owner, on_done) if on_done else None,
             on_error=guarded(owner, on_error) if on_error else None)
