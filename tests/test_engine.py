"""The engine end to end in mock mode, on real files, plus what a resumed job must not redo."""

from __future__ import annotations

import io
import threading
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.checks.provenance import COMPOSITE_SYNTHETIC, read_source_type
from app.core.config import Config, Mode
from app.core.engine import Engine
from app.core.job import JobStatus
from app.core.photos import collect_photos
from app.services.errors import AccountProblemError, AccountProblemKind
from app.services.nano_banana_client import MockNanoBananaClient
from app.services.styles import Style


def _photo(path: Path, size: tuple[int, int] = (1600, 1200),
           colour: tuple[int, int, int] = (200, 40, 40)) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, colour).save(path, "JPEG", quality=90)
    return path


class CountingMock(MockNanoBananaClient):
    def __init__(self) -> None:
        super().__init__()
        self.created = 0

    def create_job(self, image_path: Path, style: Style, *, job_id: str | None = None,
                   cancel: threading.Event | None = None) -> dict[str, Any]:
        self.created += 1
        return super().create_job(image_path, style, job_id=job_id, cancel=cancel)


def same_pixels(a: bytes, b: bytes) -> bool:
    with Image.open(io.BytesIO(a)) as first, Image.open(io.BytesIO(b)) as second:
        return first.size == second.size and first.tobytes() == second.tobytes()


def test_a_photo_becomes_a_completed_job_with_files_in_place(
        mock_config: Config, tmp_path: Path, out_dir: Path) -> None:
    engine = Engine(mock_config)
    added = engine.add_photos([_photo(tmp_path / "in" / "red mug.jpg")], "studio_white")
    (job,) = added.jobs
    assert job.status is JobStatus.QUEUED

    seen: list[JobStatus] = []
    done = engine.process(job.id, on_progress=lambda j: seen.append(j.status))

    assert done.status is JobStatus.COMPLETED
    assert seen[0] is JobStatus.PROCESSING
    assert done.mode == Mode.MOCK and done.cost_usd == 0.0 and done.attempts == 1
    assert done.source_hash and len(done.source_hash) == 64
    assert done.client_job_id and done.client_job_id.startswith("mock_")
    # Demo results sit in a Demo subfolder with "demo" in the name: never beside a paid one.
    assert Path(done.output_path or "") == out_dir / "Demo" / "red mug_studio_white_demo.png"
    for name in (done.upload_path, done.result_path, done.thumbnail_path,
                 done.result_thumbnail_path):
        assert name and Path(name).is_file()
    with Image.open(done.output_path) as result:
        assert result.size == (1024, 1024)
    # The user's copy: the same pixels as the result received, labelled as a demo composite.
    exported = Path(done.output_path or "").read_bytes()
    assert same_pixels(Path(done.result_path or "").read_bytes(), exported)
    assert read_source_type(exported) == COMPOSITE_SYNTHETIC
    with Image.open(done.thumbnail_path) as thumb:
        assert max(thumb.size) <= 512


def test_running_the_same_photo_again_saves_a_new_file_beside_the_first(
        mock_config: Config, tmp_path: Path, out_dir: Path) -> None:
    engine = Engine(mock_config)
    photo = _photo(tmp_path / "cup.jpg")
    first = engine.process(engine.add_photos([photo], "flat_lay").jobs[0].id)
    second = engine.process(engine.add_photos([photo], "flat_lay").jobs[0].id)
    assert Path(first.output_path or "").name == "cup_flat_lay_demo.png"
    assert Path(second.output_path or "").name == "cup_flat_lay_demo (2).png"


def test_duplicates_are_skipped_when_asked(mock_config: Config, tmp_path: Path) -> None:
    engine = Engine(mock_config)
    photo = _photo(tmp_path / "a.jpg")
    copy = tmp_path / "copy of a.jpg"
    copy.write_bytes(photo.read_bytes())
    first = engine.add_photos([photo, copy], "studio_white", skip_duplicates=True)
    assert len(first.jobs) == 1
    again = engine.add_photos([photo], "studio_white", skip_duplicates=True)
    assert again.jobs == [] and [j.id for j in again.duplicates] == [first.jobs[0].id]
    other_style = engine.add_photos([photo], "flat_lay", skip_duplicates=True)
    assert len(other_style.jobs) == 1


def test_folders_are_walked_and_other_files_reported(tmp_path: Path) -> None:
    _photo(tmp_path / "shop" / "a.jpg")
    _photo(tmp_path / "shop" / "sub" / "b.JPG")
    (tmp_path / "shop" / "notes.txt").write_text("x")
    (tmp_path / "shop" / ".DS_Store").write_text("x")
    photos, skipped = collect_photos([tmp_path / "shop", tmp_path / "named.txt"])
    assert [p.name for p in photos] == ["a.jpg", "b.JPG", "named.txt"]
    assert [p.name for p in skipped] == ["notes.txt"]


def test_the_apps_own_folders_are_not_fed_back_in(tmp_path: Path) -> None:
    shop = tmp_path / "shop"
    _photo(shop / "a.jpg")
    _photo(shop / "ProductSnap" / "a_studio_white.jpg")
    _photo(shop / "data" / "uploads" / "x.jpg")
    photos, skipped = collect_photos([shop], exclude=[shop / "ProductSnap", shop / "data"])
    assert [p.name for p in photos] == ["a.jpg"] and skipped == []


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "empty"),
    (b"this is not a photo at all, just some text", None),
])
def test_a_bad_file_is_one_failed_job_with_a_reason(
        mock_config: Config, tmp_path: Path, content: bytes, reason: str | None) -> None:
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(content)
    engine = Engine(mock_config)
    good = _photo(tmp_path / "good.jpg")
    jobs = engine.add_photos([bad, good], "studio_white").jobs
    results = [engine.process(j.id) for j in jobs]
    assert [r.status for r in results] == [JobStatus.FAILED, JobStatus.COMPLETED]
    assert results[0].error and "Traceback" not in results[0].error
    if reason:
        assert reason in results[0].error.lower()


def test_a_vanished_file_fails_plainly(mock_config: Config, tmp_path: Path) -> None:
    photo = _photo(tmp_path / "gone.jpg")
    engine = Engine(mock_config)
    (job,) = engine.add_photos([photo], "studio_white").jobs
    photo.unlink()
    failed = engine.process(job.id)
    assert failed.status is JobStatus.FAILED and failed.error


def test_an_account_problem_puts_the_job_back_and_is_raised(
        mock_config: Config, tmp_path: Path) -> None:
    class RefusingClient(MockNanoBananaClient):
        def create_job(self, image_path: Path, style: Style, *, job_id: str | None = None,
                   cancel: threading.Event | None = None) -> dict[str, Any]:
            raise AccountProblemError(AccountProblemKind.KEY_REFUSED, "The API key was refused.")

    engine = Engine(mock_config, client=RefusingClient())
    (job,) = engine.add_photos([_photo(tmp_path / "a.jpg")], "studio_white").jobs
    with pytest.raises(AccountProblemError):
        engine.process(job.id)
    back = engine.store.get(job.id)
    assert back.status is JobStatus.QUEUED and back.attempts == 0
    assert back.error == "The API key was refused."


def test_cancel_before_sending_stops_the_job(mock_config: Config, tmp_path: Path) -> None:
    client = CountingMock()
    engine = Engine(mock_config, client=client)
    (job,) = engine.add_photos([_photo(tmp_path / "a.jpg")], "studio_white").jobs
    cancel = threading.Event()
    cancel.set()
    assert engine.process(job.id, cancel).status is JobStatus.CANCELLED
    assert client.created == 0


def test_a_stored_result_is_never_asked_for_again(mock_config: Config, tmp_path: Path,
                                                  out_dir: Path) -> None:
    client = CountingMock()
    engine = Engine(mock_config, client=client)
    (job,) = engine.add_photos([_photo(tmp_path / "a.jpg")], "studio_white").jobs
    png = io.BytesIO()
    Image.new("RGB", (1024, 1024), "white").save(png, "PNG")
    result = engine.storage.write_result(job.id, png.getvalue(), "image/png")
    # As if killed after the result was stored, before the job was marked completed.
    engine.store.claim(job.id, "mock", None)
    engine.store.update(job.id, result_path=str(result), result_mime="image/png")
    assert engine.recover() == [job.id]

    done = engine.process(job.id)
    assert done.status is JobStatus.COMPLETED and client.created == 0
    assert same_pixels(Path(done.output_path or "").read_bytes(), png.getvalue())


def test_an_interrupted_export_is_finished_not_duplicated(mock_config: Config, tmp_path: Path,
                                                          out_dir: Path) -> None:
    engine = Engine(mock_config)
    (job,) = engine.add_photos([_photo(tmp_path / "a.jpg")], "studio_white").jobs
    done = engine.process(job.id)
    # As if killed just after the file was written, before the job was marked completed.
    engine.store.update(job.id, result_thumbnail_path=None)
    with engine.store._write() as db:
        db.execute("UPDATE jobs SET status='processing' WHERE id=?", (job.id,))
    engine.recover()
    again = engine.process(job.id)
    assert again.status is JobStatus.COMPLETED
    assert again.output_path == done.output_path
    assert sorted(p.name for p in (out_dir / "Demo").iterdir()) == ["a_studio_white_demo.png"]


def test_live_mode_estimates_cost_and_mock_mode_is_free(
        mock_config: Config, tmp_path: Path) -> None:
    assert Engine(mock_config).estimate_cost(10) == 0.0
    live = mock_config.with_overrides()
    from app.core.config import Source, Value

    values = dict(live.values)
    values["mode"] = Value(Mode.LIVE, Source.ENVIRONMENT)
    automatic = Config(values=values, paths=live.paths, settings=live.settings)
    # "automatic" has no price until the service was asked which model it serves.
    assert Engine(automatic).estimate_cost(10) is None
    values["model"] = Value("gemini-3.1-flash-image", Source.ENVIRONMENT)
    values["image_size"] = Value("2K", Source.ENVIRONMENT)
    chosen = Config(values=values, paths=live.paths, settings=live.settings)
    assert Engine(chosen).estimate_cost(10) == pytest.approx(10 * 1680 * 60 / 1e6)


def test_a_rebuilt_live_client_keeps_counting_this_minutes_requests(
        mock_env: dict[str, str], tmp_path: Path) -> None:
    from app.core.config import load_config

    env = dict(mock_env, IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY="test-key-0123456789",
               NANO_BANANA_API_URL="http://127.0.0.1:9/v1beta", PRODUCTSNAP_RPM="5",
               NANO_BANANA_MODEL="gemini-2.5-flash-image")
    # No model list to ask here (nothing listens on port 9): build clients without one.
    engine = Engine(load_config(env=env, cwd=tmp_path), client_options={"catalog": None})
    limiter = engine.client._limiter  # type: ignore[attr-defined]
    limiter.acquire()
    engine.reconfigure(engine.config.with_overrides(rpm=7))  # the user changed Settings
    rebuilt = engine.client._limiter  # type: ignore[attr-defined]
    assert rebuilt is limiter
    assert rebuilt.max_requests == 7 and len(rebuilt.recent_starts()) == 1
    engine.close()


def test_a_setting_live_mode_cannot_use_pauses_instead_of_failing_jobs(
        mock_env: dict[str, str], tmp_path: Path) -> None:
    from app.core.config import load_config

    env = dict(mock_env, IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY="test-key-0123456789",
               NANO_BANANA_API_URL="http://images.example.com/v1beta")  # plain http, not local
    engine = Engine(load_config(env=env, cwd=tmp_path))
    (job,) = engine.add_photos([_photo(tmp_path / "a.jpg")], "studio_white").jobs
    with pytest.raises(AccountProblemError) as caught:
        engine.process(job.id)
    assert caught.value.kind is AccountProblemKind.BAD_SETTING
    assert "NANO_BANANA_API_URL" in caught.value.message
    assert engine.store.get(job.id).status is JobStatus.QUEUED


def test_a_small_photo_runs_with_a_warning_for_its_tile(mock_config: Config,
                                                       tmp_path: Path) -> None:
    engine = Engine(mock_config)
    small = tmp_path / "supplier-thumb.jpg"
    Image.new("RGB", (300, 200), (200, 30, 30)).save(small)
    done = engine.process(engine.add_photos([small], "studio_white").jobs[0].id)
    assert done.status is JobStatus.COMPLETED
    assert done.warning == "Small photo: the result may lack detail."
    big = engine.process(engine.add_photos([_photo(tmp_path / "big.jpg")], "studio_white")
                         .jobs[0].id)
    assert big.warning is None


def test_retry_leaves_photos_that_can_never_work_and_another_version_links_to_the_first(
        mock_config: Config, tmp_path: Path) -> None:
    engine = Engine(mock_config)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    gone = engine.process(engine.add_photos([empty], "studio_white").jobs[0].id)
    assert gone.status is JobStatus.FAILED and not gone.retryable
    assert engine.retryable_failed() == []
    done = engine.process(engine.add_photos([_photo(tmp_path / "a.jpg")], "flat_lay").jobs[0].id)
    (again,) = engine.make_another_version([done.id, gone.id]).jobs  # only finished ones
    assert (again.parent_id, again.style, again.source_path) == (
        done.id, "flat_lay", done.source_path)
    second = engine.process(again.id)
    assert second.status is JobStatus.COMPLETED and second.output_path != done.output_path


def test_clearing_history_keeps_exported_results_and_says_what_it_freed(
        mock_config: Config, tmp_path: Path) -> None:
    engine = Engine(mock_config)
    done = engine.process(engine.add_photos([_photo(tmp_path / "a.jpg")], "flat_lay").jobs[0].id)
    own = [Path(p) for p in (done.upload_path, done.result_path, done.thumbnail_path,
                             done.result_thumbnail_path) if p]
    assert len(own) == 4
    own_bytes = sum(p.stat().st_size for p in own)
    size_before = engine.data_folder_size()
    cleared = engine.clear_history()
    assert (cleared.removed, cleared.bytes_freed) == (1, own_bytes)
    assert engine.store.all() == [] and not any(p.exists() for p in own)
    assert Path(done.output_path or "").exists()  # the user's copy stays
    assert engine.data_folder_size() < size_before


def test_a_job_is_exported_where_the_run_that_queued_it_asked(
        mock_config: Config, tmp_path: Path) -> None:
    asked = tmp_path / "asked-for"
    first = Engine(mock_config.with_overrides(output_dir=str(asked)))
    (job,) = first.add_photos([_photo(tmp_path / "a.jpg")], "flat_lay").jobs
    first.close()
    # A later run (resume after a kill) with today's default output folder.
    later = Engine(mock_config)
    done = later.process(job.id)
    assert Path(done.output_path or "").parent == asked / "Demo"
    assert Path(mock_config.output_dir) not in Path(done.output_path or "").parents
