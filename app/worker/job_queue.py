"""The job queue: runs jobs through the engine, a configurable number at a time, and keeps the
one count of the current batch ("N of M done") that the window and the command line both read.

Two pools, each for one reason: ``_workers`` runs the jobs themselves (network waits and image
work, as many as the settings allow); ``_control`` has one thread for bookkeeping (adding photos,
cancelling, retrying, removing), so that those store writes happen in the order they were asked.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

from PySide6.QtCore import QObject, QThreadPool, Signal

from app.core.batch import BatchProgress
from app.core.config import Config
from app.core.engine import Engine
from app.core.history import Cleared
from app.core.job import Job, JobStatus
from app.core.photos import AddResult
from app.services.errors import AccountProblemError
from app.worker.tasks import run_reporting, run_task

log = logging.getLogger(__name__)


class JobQueue(QObject):
    """The queue of jobs and the workers that run them."""

    started = Signal(int)                # recovery done; this many earlier jobs are queued
    jobs_added = Signal(AddResult)
    job_changed = Signal(Job)            # whenever its status or files change
    jobs_removed = Signal(list)          # list[str] of job ids
    account_problem_met = Signal(AccountProblemError)  # the queue is paused
    state_changed = Signal()             # paused, resumed, counts
    batch_finished = Signal(BatchProgress)  # the batch that just ended
    add_failed = Signal(str)             # a plain sentence
    history_cleared = Signal(Cleared)    # how many jobs went and the room freed
    jobs_queued = Signal(list)           # list[str]: ids about to run, unless paused now

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
        # Queued but not to start until released: live jobs waiting for a yes to their cost.
        # The rest of the queue runs past them (a free cut-out never waits for that question).
        self._on_hold: set[str] = set()
        self._problem: AccountProblemError | None = None
        self._settings_round = 0  # counts resumes and settings changes
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

    @property
    def held_count(self) -> int:
        return sum(1 for job_id in self._pending if job_id in self._on_hold)

    @property
    def only_held_left(self) -> bool:
        """Nothing runs, and all that is queued waits to be released: the batch stands still."""
        return (bool(self._pending) and not self._running
                and all(job_id in self._on_hold for job_id in self._pending))

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
                if run_queued:
                    self._paused = False  # lifts the pause of waiting for the runner lock
                elif ids:
                    self._paused = True  # held for the user; never lifts a pause made since
            self._enqueue(ids)
            self.started.emit(len(ids))

        run_task(self._control, recover, on_done=loaded, on_error=self._control_failed)

    def add_photos(self, paths: Iterable[str | Path], style: str, *,
                   skip_duplicates: bool = False) -> None:
        paths = list(paths)

        def add() -> AddResult:
            return self.engine.add_photos(paths, style, skip_duplicates=skip_duplicates)

        run_task(self._control, add, on_done=self._added, on_error=self._control_failed)

    def make_another_version(self, job_ids: Iterable[str]) -> None:
        """A new job for each finished job's photo and style, linked to it."""
        ids = list(job_ids)
        run_task(self._control, lambda: self.engine.make_another_version(ids),
                 on_done=self._added, on_error=self._control_failed)

    def _added(self, result: AddResult) -> None:
        for job in result.jobs:
            if job.status.is_final:  # a file that could not be used: failed at once
                self.batch.record(job)
        self._enqueue([j.id for j in result.jobs if j.status is JobStatus.QUEUED], pump=False)
        self.jobs_added.emit(result)  # after counting, so the batch's total is current
        self._pump()

    def _enqueue(self, ids: list[str], pump: bool = True) -> None:
        known = set(self._pending) | set(self._running)
        fresh = [i for i in ids if i not in known]
        self._pending.extend(fresh)
        self._on_hold.difference_update(fresh)  # queued anew: no hold left from before
        self.batch.add(fresh)
        if fresh:
            # Before anything runs: a listener may hold these jobs here (live mode asks the
            # user before spending), whichever way they came (added, retried, resumed).
            self.jobs_queued.emit(fresh)
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
            self._settings_round += 1  # jobs started before now ran on the old settings
            self.engine.renew_client()
        self._paused = False
        self.state_changed.emit()
        self._pump()

    def hold(self, job_ids: Iterable[str]) -> None:
        """These queued jobs do not start until released; the others run past them."""
        self._on_hold.update(job_ids)
        self.state_changed.emit()

    def release(self, job_ids: Iterable[str] | None = None) -> None:
        """Let held jobs run (all of them with None)."""
        if job_ids is None:
            self._on_hold.clear()
        else:
            self._on_hold.difference_update(job_ids)
        self.state_changed.emit()
        self._pump()

    def reconfigure(self, config: Config) -> None:
        """New settings: jobs already running finish as they are; the next use the new ones."""
        self._settings_round += 1
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
        self._on_hold.difference_update(ids)
        self._control_each(ids, self.engine.cancel)

    def cancel_all(self) -> None:
        self.cancel(list(self._pending) + list(self._running))

    def retry(self, job_ids: Iterable[str]) -> None:
        def retried(jobs: list[Job | None]) -> None:
            self._enqueue([j.id for j in jobs if j is not None and j.status is JobStatus.QUEUED])

        self._control_each(list(job_ids), self.engine.retry, then=retried)

    def retry_failed(self) -> None:
        """Every failed job worth another try; photos that can never work stay failed."""
        run_task(self._control, self.engine.retryable_failed, on_done=self.retry,
                 on_error=self._control_failed)

    def clear_history(self, job_ids: Iterable[str] | None = None) -> None:
        """Forget finished jobs (all with None) and the app's copies of their files."""
        ids = None if job_ids is None else [i for i in job_ids if i not in self._running]

        def work() -> tuple[Cleared, list[str]]:
            before = {job.id for job in self.engine.store.all()}
            cleared = self.engine.clear_history(ids)
            return cleared, sorted(before - {job.id for job in self.engine.store.all()})

        def done(result: tuple[Cleared, list[str]]) -> None:
            cleared, gone = result
            self.batch.forget(gone)
            self.jobs_removed.emit(gone)
            self.history_cleared.emit(cleared)
            self.state_changed.emit()

        run_task(self._control, work, on_done=done, on_error=self._control_failed)

    def remove(self, job_ids: Iterable[str]) -> None:
        ids = [i for i in job_ids if i not in self._running]
        self._pending = deque(i for i in self._pending if i not in set(ids))
        self._on_hold.difference_update(ids)

        def removed(jobs: list[Job]) -> None:
            self.batch.forget(j.id for j in jobs)
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
        while not self._paused and len(self._running) < self._workers.maxThreadCount():
            job_id = self._next_to_run()
            if job_id is None:
                break
            cancel = threading.Event()
            self._running[job_id] = cancel
            run_reporting(
                self._workers, partial(self._process, job_id, cancel),
                on_progress=self.job_changed.emit,
                on_done=self._job_done,
                on_error=partial(self._job_raised, job_id, self._settings_round),
            )
        self._check_idle()

    def _next_to_run(self) -> str | None:
        """The first queued job not on hold, taken out of the line."""
        for index, job_id in enumerate(self._pending):
            if job_id not in self._on_hold:
                del self._pending[index]
                return job_id
        return None

    def _process(self, job_id: str, cancel: threading.Event,
                 report: Callable[[Job], None]) -> Job:
        """Worker thread: one job to its end (or back to the queue for an account problem)."""
        return self.engine.process(job_id, cancel, report)

    def _job_finished_or_changed(self, job: Job) -> None:
        if job.id not in self._running:  # a running job is counted when it returns
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

    def _job_raised(self, job_id: str, settings_round: int, error: BaseException) -> None:
        self._running.pop(job_id, None)
        if isinstance(error, AccountProblemError) and settings_round < self._settings_round:
            # Met under settings the user has changed since (a job still in flight when they
            # chose another model): not a new problem. The job simply runs again.
            log.info("Job %s met %s under earlier settings; trying it again", job_id,
                     error.kind)
            self._pending.appendleft(job_id)
        elif isinstance(error, AccountProblemError):
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

    def shutdown(self, timeout_ms: int = 30_000, grace_ms: int = 5_000) -> None:
        """Stop: nothing new is sent; requests in flight (paid) get ``grace_ms`` to bring their
        answers, which are kept; then what still hangs is aborted and stays queued."""
        self._paused = True
        self._pending.clear()
        self.engine.stop_sending()
        if not self._workers.waitForDone(min(grace_ms, timeout_ms)):
            self.engine.abort_in_flight()
            self._workers.waitForDone(timeout_ms)
        self._control.waitForDone(timeout_ms)
