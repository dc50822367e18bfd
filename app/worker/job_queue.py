"""Running work off the GUI thread: one mechanism for everything, and the job queue built on it.

``run_task`` wraps a callable in a QRunnable on a QThreadPool and posts its result (or its
exception) back to the thread that owns the receiving QObject. ``JobQueue`` runs jobs through
the engine on a pool of its own, a configurable number at a time; bookkeeping (adding photos,
cancelling, retrying) runs on a one-thread pool so that writes never race.

Only QtCore is used: the command line runs the same queue under a QCoreApplication.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal

from app.core.batch import BatchProgress
from app.core.config import Config
from app.core.engine import AddResult, Engine
from app.core.job import Job, JobStatus
from app.services.errors import AccountProblemError

log = logging.getLogger(__name__)


class TaskSignals(QObject):
    finished = Signal(object)
    failed = Signal(object)
    progressed = Signal(object)


class _Task(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: TaskSignals, wants_progress: bool) -> None:
        super().__init__()
        self._fn = fn
        self._signals = signals
        self._wants_progress = wants_progress
        self.setAutoDelete(True)

    def _report(self, value: object) -> None:
        self._signals.progressed.emit(value)

    def run(self) -> None:
        try:
            result = self._fn(self._report) if self._wants_progress else self._fn()
        except BaseException as error:  # handed to the owner's thread, never lost
            self._signals.failed.emit(error)
        else:
            self._signals.finished.emit(result)


_live_signals: set[TaskSignals] = set()  # keeps signal relays alive while their task runs


def run_task(pool: QThreadPool, fn: Callable[..., Any], *,
             on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None,
             on_progress: Callable[[Any], None] | None = None) -> TaskSignals:
    """Run ``fn`` on ``pool``; call back on the thread that called ``run_task``.

    With ``on_progress``, ``fn`` receives one argument: a function to report progress with.
    Callbacks are queued connections, so they run on the caller's event loop.
    """
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
    pool.start(_Task(fn, signals, on_progress is not None))
    return signals


class JobQueue(QObject):
    """The queue of jobs and the workers that run them."""

    started = Signal(int)                # recovery done; this many earlier jobs are queued
    jobs_added = Signal(object)          # AddResult
    job_changed = Signal(object)         # Job, whenever its status or files change
    jobs_removed = Signal(object)        # list[str] of job ids
    account_problem_met = Signal(object)  # AccountProblemError: the queue is paused
    state_changed = Signal()             # paused, resumed, counts
    batch_finished = Signal(object)      # BatchProgress of the batch that just ended
    add_failed = Signal(str)             # a plain sentence

    def __init__(self, engine: Engine, parallel: int | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._workers = QThreadPool(self)
        self._workers.setMaxThreadCount(parallel or engine.config.parallel)
        self._control = QThreadPool(self)  # one thread: store writes in order
        self._control.setMaxThreadCount(1)
        self._pending: deque[str] = deque()
        self._running: dict[str, threading.Event] = {}
        self._paused = False
        self._problem: AccountProblemError | None = None
        self.batch = BatchProgress()

    # -- state -------------------------------------------------------------------------------

    @property
    def parallel(self) -> int:
        return self._workers.maxThreadCount()

    @property
    def is_paused(self) -> bool:
        return self._paused

    @property
    def account_problem(self) -> AccountProblemError | None:
        return self._problem

    @property
    def pending_count(self) -> int:
        return len(self._pending)

    @property
    def running_count(self) -> int:
        return len(self._running)

    @property
    def is_idle(self) -> bool:
        return not self._pending and not self._running

    # -- starting ----------------------------------------------------------------------------

    def start(self, run_queued: bool = True) -> None:
        """Recover from an earlier stop and load the queue. ``run_queued=True`` runs it (and
        lifts an earlier pause); ``False`` holds what is queued, paused, until ``resume`` (the
        app asks first in live mode). Call it only while holding the runner lock."""
        def recover() -> list[str]:
            self.engine.recover()
            return [job.id for job in self.engine.queued()]

        def loaded(ids: list[str]) -> None:
            if self._problem is None:
                self._paused = not run_queued and bool(ids)
            self._enqueue(ids)
            self.started.emit(len(ids))

        run_task(self._control, recover, on_done=loaded, on_error=self._control_failed)

    def add_photos(self, paths: Iterable[str | Path], style: str, *,
                   skip_duplicates: bool = False) -> None:
        paths = list(paths)

        def add() -> AddResult:
            return self.engine.add_photos(paths, style, skip_duplicates=skip_duplicates)

        def added(result: AddResult) -> None:
            for job in result.jobs:
                if job.status.is_final:
                    self.batch.add(1)
                    self.batch.record(job)
            self._enqueue([j.id for j in result.jobs if j.status is JobStatus.QUEUED],
                          pump=False)
            self.jobs_added.emit(result)  # after counting, so the batch's total is current
            self._pump()

        run_task(self._control, add, on_done=added, on_error=self._control_failed)

    def _enqueue(self, ids: list[str], pump: bool = True) -> None:
        known = set(self._pending) | set(self._running)
        fresh = [i for i in ids if i not in known]
        self._pending.extend(fresh)
        self.batch.add(len(fresh))
        self.state_changed.emit()
        if pump:
            self._pump()

    # -- controls ----------------------------------------------------------------------------

    def pause(self) -> None:
        self._paused = True
        self.state_changed.emit()

    def resume(self) -> None:
        """Carry on; after an account problem, also reload the client with the new settings."""
        if self._problem is not None:
            self._problem = None
            self.engine.reconfigure(self.engine.config)
        self._paused = False
        self.state_changed.emit()
        self._pump()

    def reconfigure(self, config: Config) -> None:
        """New settings: jobs already running finish as they are; the next use the new ones."""
        self.engine.reconfigure(config)
        self._workers.setMaxThreadCount(config.parallel)
        self._pump()

    def set_parallel(self, count: int) -> None:
        self._workers.setMaxThreadCount(max(1, count))
        self._pump()

    def cancel(self, job_ids: Iterable[str]) -> None:
        ids = list(job_ids)
        for job_id in ids:
            if job_id in self._running:
                self._running[job_id].set()
        self._pending = deque(i for i in self._pending if i not in set(ids))
        self._control_each(ids, self.engine.cancel)

    def cancel_all(self) -> None:
        self.cancel(list(self._pending) + list(self._running))

    def retry(self, job_ids: Iterable[str]) -> None:
        def retried(jobs: list[Job | None]) -> None:
            self._enqueue([j.id for j in jobs if j is not None and j.status is JobStatus.QUEUED])

        self._control_each(list(job_ids), self.engine.retry, then=retried)

    def retry_failed(self) -> None:
        def failed_ids() -> list[str]:
            return [j.id for j in self.engine.store.all([JobStatus.FAILED])]

        run_task(self._control, failed_ids, on_done=self.retry, on_error=self._control_failed)

    def remove(self, job_ids: Iterable[str]) -> None:
        ids = [i for i in job_ids if i not in self._running]
        self._pending = deque(i for i in self._pending if i not in set(ids))

        def removed(jobs: list[Job]) -> None:
            self.jobs_removed.emit([j.id for j in jobs])
            self.state_changed.emit()

        run_task(self._control, lambda: self.engine.remove(ids), on_done=removed,
                 on_error=self._control_failed)

    def _control_each(self, ids: list[str], action: Callable[[str], Job | None],
                      then: Callable[[list[Job | None]], None] | None = None) -> None:
        def work() -> list[Job | None]:
            return [action(job_id) for job_id in ids]

        def done(jobs: list[Job | None]) -> None:
            for job in jobs:
                if job is not None:
                    self._job_finished_or_changed(job)
            if then:
                then(jobs)
            self.state_changed.emit()
            self._pump()  # also ends the batch when cancelling emptied the queue

        run_task(self._control, work, on_done=done, on_error=self._control_failed)

    def _control_failed(self, error: BaseException) -> None:
        log.error("Queue operation failed", exc_info=error)
        self.add_failed.emit(str(error) or type(error).__name__)

    # -- running -----------------------------------------------------------------------------

    def _pump(self) -> None:
        while (not self._paused and self._pending
               and len(self._running) < self._workers.maxThreadCount()):
            job_id = self._pending.popleft()
            cancel = threading.Event()
            self._running[job_id] = cancel
            run_task(
                self._workers,
                lambda report, job_id=job_id, cancel=cancel:
                    self.engine.process(job_id, cancel, report),
                on_done=self._job_done,
                on_error=lambda error, job_id=job_id: self._job_raised(job_id, error),
                on_progress=self.job_changed.emit,
            )
        self._check_idle()

    def _job_finished_or_changed(self, job: Job) -> None:
        if job.status.is_final and job.id not in self._running:
            self.batch.record(job)
        self.job_changed.emit(job)

    def _job_done(self, job: Job) -> None:
        self._running.pop(job.id, None)
        self.batch.record(job)
        self.job_changed.emit(job)
        if job.status is JobStatus.QUEUED and job.id not in self._pending:
            self._pending.appendleft(job.id)  # claimed by nobody: try again later
        self.state_changed.emit()
        self._pump()

    def _job_raised(self, job_id: str, error: BaseException) -> None:
        self._running.pop(job_id, None)
        if isinstance(error, AccountProblemError):
            # The account, not the photo: keep the job first in line and ask the user once.
            self._pending.appendleft(job_id)
            first = self._problem is None
            self._problem = error
            self._paused = True
            if first:
                log.warning("Queue paused: %s", error.message)
                self.account_problem_met.emit(error)
        else:
            log.error("Job %s could not run", job_id, exc_info=error)
        run_task(self._control, lambda: self.engine.store.find(job_id),
                 on_done=self._job_reloaded, on_error=self._control_failed)
        self.state_changed.emit()
        self._pump()

    def _job_reloaded(self, job: Job | None) -> None:
        if job is not None:
            self.job_changed.emit(job)

    def _check_idle(self) -> None:
        if self._running or (self._pending and not self._paused):
            return
        if self.batch.total and not self._pending:
            finished, self.batch = self.batch, BatchProgress()
            self.batch_finished.emit(finished)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Stop starting jobs and wait for running ones (they hold paid requests)."""
        self._paused = True
        self._pending.clear()
        self._workers.waitForDone(timeout_ms)
        self._control.waitForDone(timeout_ms)
