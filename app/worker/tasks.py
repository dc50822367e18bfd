"""The one mechanism that runs work off the GUI thread: a callable on a QThreadPool, whose result
(or exception, or progress) is posted back to the thread that started it.

``run_task`` is for a plain function; ``run_reporting`` hands the function a ``report`` callable,
and each value it reports reaches ``on_progress`` on the caller's thread, in order.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

log = logging.getLogger(__name__)

R = TypeVar("R")
P = TypeVar("P")


class TaskSignals(QObject):
    """Relays from the worker thread to the owner's (objects: Qt cannot type them further)."""

    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)


class _Task(QRunnable, Generic[R]):
    def __init__(self, fn: Callable[[Callable[[Any], None]], R], signals: TaskSignals) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            result = self._fn(self._signals.progressed.emit)
        except BaseException as error:  # handed to the owner's thread, never lost
            self._signals.failed.emit(error)
        else:
            self._signals.finished.emit(result)


_live_signals: set[TaskSignals] = set()  # keeps signal relays alive while their task runs


def _start(pool: QThreadPool, fn: Callable[[Callable[[Any], None]], R],
           on_done: Callable[[R], None] | None,
           on_error: Callable[[BaseException], None] | None,
           on_progress: Callable[[Any], None] | None) -> TaskSignals:
    signals = TaskSignals()
    _live_signals.add(signals)
    queued = Qt.ConnectionType.QueuedConnection

    def release(*_: object) -> None:
        _live_signals.discard(signals)
        signals.deleteLater()

    if on_done:
        signals.finished.connect(on_done, queued)
    if on_error:
        signals.failed.connect(on_error, queued)
    else:
        signals.failed.connect(lambda e: log.error("Background task failed", exc_info=e), queued)
    if on_progress:
        signals.progressed.connect(on_progress, queued)
    signals.finished.connect(release, queued)
    signals.failed.connect(release, queued)
    pool.start(_Task(fn, signals))
    return signals


def run_task(pool: QThreadPool, fn: Callable[[], R], *,
             on_done: Callable[[R], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None) -> TaskSignals:
    """Run ``fn`` on ``pool``; the callbacks run on the thread that called ``run_task``."""
    return _start(pool, lambda _report: fn(), on_done, on_error, None)


def run_reporting(pool: QThreadPool, fn: Callable[[Callable[[P], None]], R], *,
                  on_progress: Callable[[P], None],
                  on_done: Callable[[R], None] | None = None,
                  on_error: Callable[[BaseException], None] | None = None) -> TaskSignals:
    """Like ``run_task``; ``fn`` gets a ``report`` function, and each value it reports is
    handed to ``on_progress`` on the caller's thread."""
    return _start(pool, fn, on_done, on_error, on_progress)
