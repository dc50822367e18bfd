"""Running a coroutine without blocking the GUI thread.

Under the app's qasync event loop the coroutine runs on the GUI thread's asyncio loop (an async
httpx call waits without blocking anything). Where no asyncio loop runs (tests, a plain
QApplication) it runs on a worker thread with ``asyncio.run`` and reports back through
``run_task``. Either way the callbacks run on the GUI thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from typing import Any

from PySide6.QtCore import QThreadPool

from app.worker import run_task

log = logging.getLogger(__name__)

_running: set[asyncio.Task[Any]] = set()  # tasks are weakly held by asyncio: keep them


def run_coroutine(pool: QThreadPool, factory: Callable[[], Coroutine[Any, Any, Any]], *,
                  on_done: Callable[[Any], None],
                  on_error: Callable[[BaseException], None]) -> str:
    """Start ``factory()``; returns "asyncio" or "thread", whichever runs it."""
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        loop = None
    if loop is not None:
        task = loop.create_task(factory())
        _running.add(task)

        def finished(task: asyncio.Task[Any]) -> None:
            _running.discard(task)
            if task.cancelled():
                on_error(asyncio.CancelledError())
            elif task.exception() is not None:
                on_error(task.exception())  # type: ignore[arg-type]
            else:
                on_done(task.result())

        task.add_done_callback(finished)
        return "asyncio"
    run_task(pool, lambda: asyncio.run(factory()), on_done=on_done, on_error=on_error)
    return "thread"
