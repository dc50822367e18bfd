"""``generate`` and ``resume``: the job queue under a QCoreApplication, reporting as jobs end.

Exit codes: 0 every job completed; 1 some failed; 3 the run stopped for an account problem
(remaining jobs stay queued for ``resume``); 130 interrupted (likewise).
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterable
from typing import TextIO

from PySide6.QtCore import QCoreApplication, QLockFile, QTimer

from app.core.config import Mode
from app.core.engine import AddResult, Engine
from app.core.job import Job, JobStatus
from app.services.errors import AccountProblemError
from app.worker import JobQueue

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_ACCOUNT, EXIT_INTERRUPTED = 0, 1, 2, 3, 130


def runner_lock(engine: Engine) -> QLockFile:
    """One process at a time runs the queue; a stale lock from a killed run is taken over."""
    lock = QLockFile(str(engine.config.paths.data / "runner.lock"))
    lock.setStaleLockTime(0)
    return lock


class BatchReporter:
    """Prints a JSON line (stdout) or a human line (stderr) as each job reaches an end state."""

    def __init__(self, as_json: bool, stdout: TextIO, stderr: TextIO) -> None:
        self.as_json = as_json
        self.stdout = stdout
        self.stderr = stderr
        self.reported: set[str] = set()
        self.completed = self.failed = self.cancelled = 0

    def job(self, job: Job, force: bool = False) -> None:
        if job.id in self.reported or not (job.status.is_final or force):
            return
        self.reported.add(job.id)
        if job.status is JobStatus.COMPLETED:
            self.completed += 1
        elif job.status is JobStatus.FAILED:
            self.failed += 1
        elif job.status is JobStatus.CANCELLED:
            self.cancelled += 1
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
    if job.status is JobStatus.COMPLETED:
        return f"done     {job.name} -> {job.output_path}"
    if job.status is JobStatus.FAILED:
        return f"failed   {job.name}: {job.error}"
    return f"{job.status.value:<8} {job.name}"


def run_batch(engine: Engine, *, paths: Iterable[str] | None, style: str | None,
              as_json: bool, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    """Run new photos (``paths``) or, with ``paths=None``, what earlier runs left queued."""
    app = QCoreApplication.instance() or QCoreApplication(sys.argv[:1])
    reporter = BatchReporter(as_json, stdout, stderr)
    lock = runner_lock(engine)
    if not lock.tryLock(0):
        reporter.say("Another ProductSnap is running the queue (the app or another command). "
                     "Wait for it to finish, or close it, and try again.")
        return EXIT_USAGE
    queue = JobQueue(engine)
    outcome = {"code": None, "own": set()}

    def finish(code: int) -> None:
        if outcome["code"] is None:
            outcome["code"] = code
        if queue.running_count == 0:
            app.quit()

    def added(result: AddResult) -> None:
        for path in result.skipped:
            reporter.say(f"skipped  {path} (not a photo)")
        outcome["own"].update(j.id for j in result.jobs)
        say_cost(sum(j.status is JobStatus.QUEUED for j in result.jobs))
        for job in result.jobs:
            reporter.job(job)
        if not any(j.status is JobStatus.QUEUED for j in result.jobs):
            finish(EXIT_OK)

    def say_cost(count: int) -> None:
        if engine.config.mode is not Mode.LIVE or count == 0:
            return
        cost = engine.estimate_cost(count)
        price = f"about ${cost:.2f}" if cost is not None else "an unknown amount"
        reporter.say(f"Live mode: {count} photo(s) on {engine.config.model} will cost {price}.")

    def changed(job: Job) -> None:
        reporter.job(job)
        if queue.running_count == 0 and outcome["code"] is not None:
            app.quit()

    def problem(error: AccountProblemError) -> None:
        reporter.say(f"Stopped: {error.message}")
        reporter.say("The remaining photos stay queued: run `productsnap resume` once it is fixed.")
        finish(EXIT_ACCOUNT)

    queue.jobs_added.connect(added)
    queue.job_changed.connect(changed)
    queue.account_problem_met.connect(problem)
    queue.batch_finished.connect(lambda _batch: finish(EXIT_OK))
    queue.add_failed.connect(lambda text: (reporter.say(text), finish(EXIT_FAILED)))

    def interrupted(*_: object) -> None:
        reporter.say("Stopping: waiting for the photos already sent; the rest stay queued "
                     "for `productsnap resume`.")
        queue.pause()
        finish(EXIT_INTERRUPTED)

    previous = signal.signal(signal.SIGINT, interrupted)
    heartbeat = QTimer()  # lets Python run its signal handlers while Qt's loop waits
    heartbeat.start(200)
    heartbeat.timeout.connect(lambda: None)
    try:
        if paths is None:
            say_cost(len(engine.queued()))
            queue.start(run_queued=True)
            queue.state_changed.connect(
                lambda: queue.is_idle and queue.batch.total == 0 and finish(EXIT_OK))
        else:
            queue.add_photos(list(paths), style or engine.config.default_style)
        app.exec()
    finally:
        signal.signal(signal.SIGINT, previous)
        heartbeat.stop()
        queue.shutdown()
        lock.unlock()

    left = engine.store.many(sorted(outcome["own"])) if paths is not None else engine.queued()
    for job in left:
        reporter.job(job, force=job.status is JobStatus.QUEUED)
    code = outcome["code"] if outcome["code"] is not None else EXIT_OK
    if code == EXIT_OK and reporter.failed:
        code = EXIT_FAILED
    summary = f"{reporter.completed} completed, {reporter.failed} failed"
    if reporter.cancelled:
        summary += f", {reporter.cancelled} cancelled"
    reporter.say(summary)
    return code
