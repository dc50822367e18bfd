"""The job queue on a real QThreadPool: results come back to the owner's thread, the parallel
limit holds, account problems pause the queue once, held jobs wait while others run, cancel and
retry work."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

from PIL import Image
from PySide6.QtCore import QThread, QThreadPool
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.core.engine import Engine
from app.core.job import JobStatus
from app.services.errors import AccountProblemError, AccountProblemKind
from app.services.nano_banana_client import MockNanoBananaClient
from app.services.styles import Style
from app.worker import JobQueue, run_task


def _photos(folder: Path, count: int) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"p{n:03}.jpg"
        Image.new("RGB", (900, 700), (n * 7 % 255, 80, 120)).save(path, "JPEG")
        paths.append(path)
    return paths


class SlowMock(MockNanoBananaClient):
    """Counts how many jobs are inside create_job at once."""

    def __init__(self, delay: float = 0.05) -> None:
        super().__init__()
        self.delay = delay
        self.inside = 0
        self.most_inside = 0
        self.gate = threading.Lock()

    def create_job(self, image_path: Path, style: Style, *, job_id: str | None = None,
                   cancel: threading.Event | None = None) -> dict[str, Any]:
        with self.gate:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        time.sleep(self.delay)  # stands in for a request in flight
        with self.gate:
            self.inside -= 1
        return super().create_job(image_path, style, job_id=job_id, cancel=cancel)


def test_run_task_calls_back_on_the_owners_thread(qtbot: QtBot) -> None:
    pool = QThreadPool()
    seen: dict[str, object] = {}

    def work() -> int:
        seen["worker"] = QThread.currentThread()
        return 42

    with qtbot.waitCallback() as callback:
        run_task(pool, work, on_done=lambda value: (
            seen.__setitem__("caller", QThread.currentThread()), callback(value)))
    assert callback.args == [42]
    assert seen["caller"] is QThread.currentThread()
    assert seen["worker"] is not seen["caller"]

    with qtbot.waitCallback() as failed:
        run_task(pool, lambda: 1 / 0, on_error=failed)
    assert isinstance(failed.args[0], ZeroDivisionError)
    pool.waitForDone()


def test_a_batch_runs_to_completion_within_the_parallel_limit(
        qtbot: QtBot, mock_config: Config, tmp_path: Path, out_dir: Path) -> None:
    client = SlowMock()
    queue = JobQueue(Engine(mock_config, client=client), parallel=2)
    changes: list[JobStatus] = []
    queue.job_changed.connect(lambda job: changes.append(job.status))
    with qtbot.waitSignal(queue.batch_finished, timeout=30_000) as finished:
        queue.add_photos(_photos(tmp_path / "in", 8), "studio_white")
    batch = finished.args[0]
    assert (batch.total, batch.completed, batch.failed) == (8, 8, 0)
    assert client.most_inside == 2
    assert changes.count(JobStatus.COMPLETED) == 8 and JobStatus.PROCESSING in changes
    assert len(list((out_dir / "Demo").glob("*_demo.png"))) == 8
    queue.shutdown()


def test_an_account_problem_pauses_once_and_resume_finishes_the_batch(
        qtbot: QtBot, mock_config: Config, tmp_path: Path) -> None:
    class KeyRefusedOnce(MockNanoBananaClient):
        refused = 0

        def create_job(self, image_path: Path, style: Style, *, job_id: str | None = None,
                   cancel: threading.Event | None = None) -> dict[str, Any]:
            if KeyRefusedOnce.refused < 3:
                KeyRefusedOnce.refused += 1
                raise AccountProblemError(AccountProblemKind.KEY_REFUSED, "Key refused.")
            return super().create_job(image_path, style, job_id=job_id, cancel=cancel)

    engine = Engine(mock_config, client=KeyRefusedOnce())
    queue = JobQueue(engine, parallel=3)
    problems: list[AccountProblemError] = []
    queue.account_problem_met.connect(problems.append)
    queue.add_photos(_photos(tmp_path / "in", 6), "studio_white")
    qtbot.waitUntil(lambda: queue.is_paused and queue.running_count == 0, timeout=10_000)

    assert len(problems) == 1  # asked once, not once per photo
    counts = engine.store.counts()
    assert counts[JobStatus.FAILED] == 0 and counts[JobStatus.QUEUED] >= 3

    # The user fixed the account: resume rebuilds the client from the configuration.
    with qtbot.waitSignal(queue.batch_finished, timeout=10_000):
        queue.resume()
    assert engine.store.counts()[JobStatus.COMPLETED] == 6
    queue.shutdown()


def test_cancel_all_and_retry_failed(qtbot: QtBot, mock_config: Config, tmp_path: Path) -> None:
    engine = Engine(mock_config, client=SlowMock(delay=0.2))
    queue = JobQueue(engine, parallel=1)
    queue.pause()
    with qtbot.waitSignal(queue.jobs_added, timeout=10_000):
        queue.add_photos(_photos(tmp_path / "in", 3), "studio_white")
    with qtbot.waitSignal(queue.batch_finished, timeout=10_000) as ended:
        queue.cancel_all()
    assert (ended.args[0].total, ended.args[0].cancelled) == (3, 3)
    assert engine.store.counts()[JobStatus.CANCELLED] == 3
    assert queue.pending_count == 0

    ids = [j.id for j in engine.store.all()]
    queue.resume()
    with qtbot.waitSignal(queue.batch_finished, timeout=10_000):
        queue.retry(ids)
    assert engine.store.counts()[JobStatus.COMPLETED] == 3
    queue.shutdown()


def test_start_recovers_interrupted_jobs_and_holds_them_when_asked(
        qtbot: QtBot, mock_config: Config, tmp_path: Path) -> None:
    engine = Engine(mock_config)
    jobs = engine.add_photos(_photos(tmp_path / "in", 2), "studio_white").jobs
    engine.store.claim(jobs[0].id, "mock", None)  # as if the app was killed mid-job

    queue = JobQueue(engine, parallel=2)
    with qtbot.waitSignal(queue.started, timeout=10_000) as started:
        queue.start(run_queued=False)
    assert started.args == [2]
    assert queue.is_paused and queue.pending_count == 2
    with qtbot.waitSignal(queue.batch_finished, timeout=10_000):
        queue.resume()
    assert all(j.status is JobStatus.COMPLETED for j in engine.store.all())
    queue.shutdown()


def test_start_with_nothing_queued_does_not_hold_the_queue(
        qtbot: QtBot, mock_config: Config) -> None:
    queue = JobQueue(Engine(mock_config), parallel=1)
    queue.pause()
    with qtbot.waitSignal(queue.started, timeout=10_000) as started:
        queue.start(run_queued=True)
    assert started.args == [0] and not queue.is_paused
    queue.shutdown()


def test_held_jobs_wait_while_the_others_run_and_a_cancelled_one_runs_when_retried(
        qtbot: QtBot, mock_config: Config, tmp_path: Path) -> None:
    engine = Engine(mock_config)
    queue = JobQueue(engine, parallel=2)
    held: list[str] = []
    # As the spending gate does: hold some of the jobs the moment they are queued.
    queue.jobs_queued.connect(lambda ids: (held.extend(ids[:2]), queue.hold(ids[:2])))
    with qtbot.waitSignal(queue.jobs_added, timeout=10_000):
        queue.add_photos(_photos(tmp_path / "in", 5), "studio_white")
    qtbot.waitUntil(lambda: engine.store.counts()[JobStatus.COMPLETED] == 3, timeout=10_000)
    assert queue.held_count == 2 and queue.only_held_left and not queue.is_paused
    assert {j.id for j in engine.store.all() if j.status is JobStatus.QUEUED} == set(held)

    with qtbot.waitSignal(queue.batch_finished, timeout=10_000) as ended:
        queue.release(held[:1])
        qtbot.waitUntil(lambda: engine.store.counts()[JobStatus.COMPLETED] == 4, timeout=10_000)
        assert queue.held_count == 1
        queue.cancel(held[1:])  # a held job can be cancelled; the batch then ends
    assert (ended.args[0].total, ended.args[0].cancelled) == (5, 1)

    queue.jobs_queued.disconnect()
    with qtbot.waitSignal(queue.batch_finished, timeout=10_000):
        queue.retry(held[1:])  # queued anew, and nobody holds it now: it runs
    assert engine.store.counts()[JobStatus.COMPLETED] == 5
    queue.shutdown()
