"""Work off the GUI thread: the task mechanism, the job queue built on it, and the lock that lets
one process at a time run the queue. Only QtCore: the command line runs the same queue under a
QCoreApplication."""

from app.worker.job_queue import JobQueue
from app.worker.runner_lock import RunnerLock
from app.worker.tasks import run_reporting, run_task

__all__ = ["JobQueue", "RunnerLock", "run_reporting", "run_task"]
