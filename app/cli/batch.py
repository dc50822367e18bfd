"""``generate`` and ``resume``: the job queue under a QCoreApplication, reporting as jobs end.

Exit codes: 0 every job completed; 1 some failed; 3 the run stopped for an account problem
(remaining jobs stay queued for ``resume``); 130 / 143 stopped by Ctrl+C / SIGTERM (likewise:
answers already on their way get a few seconds and are kept).
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterable, Sequence
from typing import TextIO

from PySide6.QtCore import QCoreApplication, QTimer

from app.core.batch import BatchProgress
from app.core.config import Mode
from app.core.engine import Engine
from app.core.job import Job, JobStatus
from app.core.photos import AddResult
from app.core.printable import printable
from app.services.errors import AccountProblemError
from app.worker import JobQueue, RunnerLock

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ACCOUNT = 0, 1, 2, 3
GRACE_S = 5  # how long answers already on their way may take to arrive once stopping


class BatchReporter:
    """Prints a JSON line (stdout) or a human line (stderr) as each job reaches an end state."""

    def __init__(self, as_json: bool, stdout: TextIO, stderr: TextIO) -> None:
        self.as_json = as_json
        self.stdout = stdout
        self.stderr = stderr
        self.reported: set[str] = set()

    def job(self, job: Job, force: bool = False) -> None:
        if job.id in self.reported or not (job.status.is_final or force):
            return
        self.reported.add(job.id)
        if self.as_json:
            self.stdout.write(json.dumps(job.as_record()) + "\n")
            self.stdout.flush()
        else:
            self.stderr.write(human_line(job) + "\n")
            self.stderr.flush()

    def say(self, text: str) -> None:
        self.stderr.write(text + "\n")
        self.stderr.flush()


def human_line(job: Job) -> str:
    """One line for a person: names with line breaks or escape codes are shown escaped."""
    name = printable(job.name)
    if job.status is JobStatus.COMPLETED:
        return f"done     {name} -> {printable(job.output_path or '')}"
    if job.status is JobStatus.FAILED:
        return f"failed   {name}: {printable(job.error or '')}"
    return f"{job.status.value:<8} {name}"


class BatchRun:
    """One ``generate`` or ``resume``: runs the queue until it is done, stopped or interrupted."""

    def __init__(self, engine: Engine, queue: JobQueue, reporter: BatchReporter,
                 app: QCoreApplication) -> None:
        self.engine = engine
        self.queue = queue
        self.reporter = reporter
        self.app = app
        self.code: int | None = None
        self.own: list[str] = []  # the jobs this run added, in order
        self.batch: BatchProgress | None = None  # the queue's count, once the batch ended
        self.stopping = False
        queue.started.connect(self._started)
        queue.jobs_added.connect(self._added)
        queue.job_changed.connect(self._changed)
        queue.account_problem_met.connect(self._account_problem)
        queue.batch_finished.connect(self._batch_finished)
        queue.add_failed.connect(self._add_failed)

    def finish(self, code: int) -> None:
        """Record how the run ends (the first reason wins); quit once nothing is in flight."""
        if self.code is None:
            self.code = code
        if self.queue.running_count == 0:
            self.app.quit()

    def say_cost(self, count: int) -> None:
        """Before sending: which model, which size, and what it will cost."""
        config = self.engine.config
        model = self.engine.model_in_use()
        if config.mode is not Mode.LIVE or count == 0 or model is None:
            return  # no model settled: the run stops before sending, and says why
        cost = self.engine.estimate_cost(count)
        price = f"about ${cost:.2f}" if cost is not None else "an unknown amount"
        self.reporter.say(f"Live mode: {count} photo(s) on {model} at {config.image_size} "
                          f"will cost {price}.")

    def model_warned(self, text: str) -> None:
        self.reporter.say(f"Warning: {text}")

    def _started(self, queued: int) -> None:
        if queued == 0:
            self.finish(EXIT_OK)

    def _added(self, result: AddResult) -> None:
        for path in result.skipped:
            self.reporter.say(f"skipped  {printable(str(path))} (not a photo)")
        self.own.extend(j.id for j in result.jobs)
        queued = sum(j.status is JobStatus.QUEUED for j in result.jobs)
        self.say_cost(queued)
        for job in result.jobs:
            self.reporter.job(job)
        if queued == 0:
            self.finish(EXIT_OK)

    def _changed(self, job: Job) -> None:
        self.reporter.job(job)
        if self.queue.running_count == 0 and self.code is not None:
            self.app.quit()

    def _account_problem(self, error: AccountProblemError) -> None:
        self.reporter.say(f"Stopped: {error.message}")
        self.reporter.say("The remaining photos stay queued: run `productsnap resume` once it "
                          "is fixed.")
        self.finish(EXIT_ACCOUNT)

    def _batch_finished(self, batch: BatchProgress) -> None:
        self.batch = batch
        self.finish(EXIT_OK)

    def _add_failed(self, text: str) -> None:
        self.reporter.say(text)
        self.finish(EXIT_FAILED)

    def interrupted(self, signum: int, _frame: object = None) -> None:
        """Ctrl+C or SIGTERM: send nothing new; answers on their way are paid, so they get a
        few seconds to arrive and are kept; then what is still in flight is aborted and stays
        queued. A second signal aborts at once."""
        if self.stopping:
            self.engine.abort_in_flight()
            return
        self.stopping = True
        self.queue.pause()
        self.engine.stop_sending()
        in_flight = self.queue.running_count
        wait = (f"waiting up to {GRACE_S} s for the {in_flight} photo(s) already sent (they are "
                "paid for); " if in_flight else "")
        self.reporter.say(f"Stopping: {wait}the rest stay queued. Run `productsnap resume` to "
                          "finish them.")
        QTimer.singleShot(GRACE_S * 1000, self.engine.abort_in_flight)
        self.finish(128 + signum)  # 130 for Ctrl+C, 143 for SIGTERM


def requeue_for_retry(engine: Engine, job_ids: Sequence[str], *, every_failed: bool,
                      stderr: TextIO) -> int | None:
    """``retry``: put failed or cancelled jobs back in the queue (what they already paid for
    is kept). How many were queued again; None for a usage error (said on ``stderr``)."""
    if bool(job_ids) == every_failed:
        stderr.write("productsnap retry: name the jobs to try again (see `productsnap jobs`), "
                     "or give --failed for every failed job.\n")
        return None
    if every_failed:
        job_ids = [job.id for job in engine.store.all([JobStatus.FAILED])]
        if not job_ids:
            stderr.write("No failed jobs to try again.\n")
            return 0
    retried = 0
    for job_id in job_ids:
        job = engine.store.find(job_id)
        if job is None:
            stderr.write(f"No job {job_id!r} (see `productsnap jobs`).\n")
        elif engine.retry(job_id) is None:
            stderr.write(f"Job {job_id} is {job.status.value}, not failed or cancelled: "
                         "left as it is.\n")
        else:
            retried += 1
    return retried if retried or every_failed else None


def run_batch(engine: Engine, *, paths: Iterable[str] | None, style: str | None,
              as_json: bool, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """Run new photos (``paths``) or, with ``paths=None``, what earlier runs left queued."""
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    reporter = BatchReporter(as_json, stdout, stderr)
    lock = RunnerLock(engine.config.paths.data)
    if not lock.try_acquire():
        reporter.say("Another ProductSnap is running the queue (the app or another command). "
                     "Wait for it to finish, or close it, and try again.")
        return EXIT_USAGE
    if paths is not None:
        engine.tidy()  # ``resume`` tidies as it recovers
    queue = JobQueue(engine)
    run = BatchRun(engine, queue, reporter, app)
    engine.notices.warned.append(run.model_warned)  # said at once, from whichever thread
    previous = {sig: signal.signal(sig, run.interrupted)
                for sig in (signal.SIGINT, signal.SIGTERM)}
    heartbeat = QTimer()  # lets Python run its signal handlers while Qt's loop waits
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(200)
    try:
        if paths is None:
            run.say_cost(len(engine.queued_to_send()))
            queue.start(run_queued=True)
        else:
            queue.add_photos(list(paths), style or engine.config.default_style)
        app.exec()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        heartbeat.stop()
        queue.shutdown()
        lock.release()
        engine.notices.warned.remove(run.model_warned)

    left = engine.store.many(run.own) if paths is not None else engine.queued()
    for job in left:
        reporter.job(job, force=job.status is JobStatus.QUEUED)
    batch = run.batch or queue.batch  # the queue's own count: the window shows the same
    code = EXIT_OK if run.code is None else run.code
    if code == EXIT_OK and batch.failed:
        code = EXIT_FAILED
    reporter.say(batch.summary())
    return code
