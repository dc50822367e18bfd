"""The batch line: progress, time left, and in live mode what the rest will cost."""

from __future__ import annotations

from app.core.batch import BatchProgress
from app.core.job import Job, JobStatus
from app.gui.batch_panel import progress_text


def _job(status: JobStatus, job_id: str = "j") -> Job:
    return Job(id=job_id, source_path="/p/a.jpg", style="studio_white", status=status, mode="live",
               created_at=0.0)


def _tr(text: str) -> str:
    return text


def test_live_mode_says_what_the_rest_of_the_batch_will_cost() -> None:
    batch = BatchProgress()
    batch.add(f"j{n}" for n in range(12))
    batch.record(_job(JobStatus.COMPLETED, "j0"))
    batch.record(_job(JobStatus.FAILED, "j1"))
    text = progress_text(batch, _tr, price_per_image=0.039)
    assert text.startswith("2 of 12 done")
    assert "about $0.39 to go" in text and "1 failed" in text


def test_demo_mode_and_a_finished_batch_name_no_cost() -> None:
    batch = BatchProgress()
    batch.add(["j"])
    assert "$" not in progress_text(batch, _tr)
    batch.record(_job(JobStatus.COMPLETED))
    assert "$" not in progress_text(batch, _tr, price_per_image=0.039)


def test_while_paused_no_time_is_guessed() -> None:
    batch = BatchProgress()
    batch.add(f"j{n}" for n in range(3))
    batch.record(_job(JobStatus.COMPLETED, "j0"))
    running = progress_text(batch, _tr, price_per_image=0.039)
    paused = progress_text(batch, _tr, price_per_image=0.039, paused=True)
    assert "left" not in paused and "minute" not in paused
    assert paused == "1 of 3 done · paused · about $0.08 to go"
    assert "paused" not in running
    waiting = progress_text(batch, _tr, price_per_image=0.039, waiting=2)
    assert waiting == "1 of 3 done · 2 waiting for Start · about $0.08 to go"


def test_free_cut_outs_are_not_in_what_the_rest_will_cost() -> None:
    batch = BatchProgress()
    batch.add(f"j{n}" for n in range(5))
    batch.record(_job(JobStatus.COMPLETED, "j0"))
    assert batch.remaining_ids() == ["j1", "j2", "j3", "j4"]
    assert "about $0.08 to go" in progress_text(batch, _tr, price_per_image=0.039,
                                                 paid_remaining=2)
    assert "$" not in progress_text(batch, _tr, price_per_image=0.039, paid_remaining=0)
