"""Cut-out jobs end to end: made on this computer with the real model, in demo and live mode
alike, with nothing sent; the mask kept with the job, a touch-up used by the user's copy."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageDraw, ImageFilter

import app.images.cutout.model as cutout_model
from app.checks.provenance import COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA, read_source_type
from app.core.config import Config, load_config
from app.core.engine import CUTOUT_MODEL, Engine
from app.core.job import JobStatus
from app.services.errors import AccountProblemError, AccountProblemKind, JobError
from tests.gemini_standin import API_KEY, GeminiStandIn
from tests.processes import child_env

PRODUCT = (200, 40, 40)


def product_photo(path: Path, size: tuple[int, int] = (1200, 900)) -> tuple[Path, np.ndarray]:
    """A red bottle-like shape on a light, graded, slightly noisy table; and its true mask."""
    width, height = size
    rows = np.linspace(225, 185, height, dtype=np.float32)[:, None, None]
    background = np.broadcast_to(rows, (height, width, 3)).copy()
    background += np.random.default_rng(7).normal(0, 3, background.shape)
    photo = Image.fromarray(np.clip(background, 0, 255).astype(np.uint8))
    truth = Image.new("L", size, 0)
    draw = ImageDraw.Draw(truth)
    cx = width // 2
    draw.rounded_rectangle((cx - 140, height // 3, cx + 140, height - 140), 60, fill=255)
    draw.rectangle((cx - 45, height // 6, cx + 45, height // 3 + 10), fill=255)
    shade = Image.linear_gradient("L").resize(size).point(lambda v: 150 + v // 3)
    body = Image.merge("RGB", (shade, shade.point(lambda v: v // 5), shade.point(lambda v: v // 6)))
    photo.paste(body, (0, 0), truth.filter(ImageFilter.GaussianBlur(1.2)))
    path.parent.mkdir(parents=True, exist_ok=True)
    photo.save(path, "JPEG", quality=92)
    return path, np.asarray(truth) > 127


def iou(mask: Image.Image, truth: np.ndarray) -> float:
    found = np.asarray(mask) > 127
    return float((found & truth).sum() / max(1, (found | truth).sum()))


@pytest.fixture
def live_config(mock_env: dict[str, str], tmp_path: Path) -> Config:
    """Live mode without a key: a cut-out must not need one."""
    return load_config(env={**mock_env, "IMAGE_GENERATION_MODE": "live"}, cwd=tmp_path)


def test_a_cut_out_completes_in_live_mode_without_a_key_free_and_labelled(
        live_config: Config, tmp_path: Path, out_dir: Path) -> None:
    photo, truth = product_photo(tmp_path / "in" / "red bottle.jpg")
    engine = Engine(live_config)
    (job,) = engine.add_photos([photo], "cutout_white").jobs
    done = engine.process(job.id)
    engine.close()

    assert done.status is JobStatus.COMPLETED, done.error
    assert done.model == CUTOUT_MODEL and done.cost_usd == 0.0 and done.client_job_id is None
    assert done.mask_path and Path(done.mask_path).is_file()
    with Image.open(done.mask_path) as mask:
        assert mask.size == (1200, 900) and iou(mask, truth) > 0.9
    output = Path(done.output_path or "")
    assert output.parent == out_dir and output.suffix == ".jpg"  # not a Demo/ copy
    data = output.read_bytes()
    assert read_source_type(data) == COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
    with Image.open(io.BytesIO(data)) as result:
        pixels = np.asarray(result.convert("RGB")).astype(int)
    side = pixels.shape[0]
    assert pixels.shape[:2] == (side, side)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    assert (border == 255).all()
    # The product fills about 85% of the frame along its longest side.
    product = np.argwhere((pixels < 200).any(axis=2))
    longest = max(np.ptp(product[:, 0]), np.ptp(product[:, 1])) + 1
    assert longest / side == pytest.approx(0.85, abs=0.03)


def test_a_transparent_cut_out_keeps_the_photos_own_pixels_and_size(
        mock_config: Config, tmp_path: Path) -> None:
    photo, truth = product_photo(tmp_path / "bottle.jpg", size=(900, 1200))
    engine = Engine(mock_config)
    (job,) = engine.add_photos([photo], "cutout_transparent").jobs
    done = engine.process(job.id)
    engine.close()
    assert done.status is JobStatus.COMPLETED, done.error
    assert Path(done.output_path or "").suffix == ".png"
    with Image.open(done.output_path or "") as result, Image.open(photo) as original:
        assert result.mode == "RGBA" and result.size == original.size == (900, 1200)
        # Straight alpha: every colour value is the photo's, even where alpha is 0.
        assert result.convert("RGB").tobytes() == original.convert("RGB").tobytes()
        alpha = np.asarray(result.getchannel("A"))
    assert iou(Image.fromarray(alpha), truth) > 0.9


def test_a_colour_cut_out_uses_the_colour_it_was_queued_with(
        mock_env: dict[str, str], tmp_path: Path) -> None:
    config = load_config(env={**mock_env, "PRODUCTSNAP_BACKDROP_COLOUR": "#3366CC"},
                         cwd=tmp_path)
    photo, _ = product_photo(tmp_path / "bottle.jpg")
    engine = Engine(config)
    (job,) = engine.add_photos([photo], "cutout_colour").jobs
    assert job.backdrop_colour == "#3366cc"
    engine.reconfigure(config.with_overrides(backdrop_colour="#00ff00"))  # later: not this job
    done = engine.process(job.id)
    engine.close()
    with Image.open(done.output_path or "") as result:
        corner = result.convert("RGB").getpixel((3, 3))
    assert all(abs(a - b) <= 3 for a, b in zip(corner, (0x33, 0x66, 0xCC), strict=True))


def test_a_touch_up_is_kept_and_replaces_the_users_copy(
        mock_config: Config, tmp_path: Path, out_dir: Path) -> None:
    photo, _ = product_photo(tmp_path / "bottle.jpg")
    engine = Engine(mock_config)
    (job,) = engine.add_photos([photo], "cutout_transparent").jobs
    done = engine.process(job.id)
    cut = engine.cutout_of(done.id)
    assert cut.photo.size == (1200, 900)
    edited = cut.mask.copy()
    edited.paste(0, (0, 0, 600, 900))  # erase the left half of the product
    edited.paste(255, (1100, 0, 1200, 100))  # restore a corner the model left out
    touched = engine.touch_up(done.id, edited)

    assert touched.output_path == done.output_path  # replaced, not a "(2)" copy beside it
    assert sorted(p.name for p in out_dir.iterdir()) == ["bottle_cutout_transparent.png"]
    with Image.open(touched.output_path or "") as result:
        alpha = result.getchannel("A")
        assert alpha.getpixel((500, 600)) == 0 and alpha.getpixel((1150, 50)) == 255
    # The mask is the job's now: a later look (or export) finds the edited one.
    again = engine.cutout_of(done.id).mask
    assert again.getpixel((500, 600)) == 0 and again.getpixel((1150, 50)) == 255
    engine.close()
    reopened = Engine(mock_config)
    assert reopened.cutout_of(done.id).mask.tobytes() == again.tobytes()
    reopened.close()


def test_a_touch_up_needs_a_finished_cut_out(mock_config: Config, tmp_path: Path) -> None:
    photo, _ = product_photo(tmp_path / "bottle.jpg")
    engine = Engine(mock_config)
    (generated,) = engine.add_photos([photo], "studio_white").jobs
    engine.process(generated.id)
    with pytest.raises(JobError, match="Only a finished cut-out"):
        engine.cutout_of(generated.id)
    engine.close()


def test_a_damaged_model_pauses_the_queue_once_instead_of_failing_photos(
        mock_config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    broken = tmp_path / "u2netp.onnx"
    data = bytearray(cutout_model.model_path().read_bytes())
    data[1000] ^= 0xFF
    broken.write_bytes(bytes(data))
    monkeypatch.setattr(cutout_model, "model_path", lambda: broken)
    cutout_model.forget_session()
    try:
        photo, _ = product_photo(tmp_path / "bottle.jpg")
        engine = Engine(mock_config)
        (job,) = engine.add_photos([photo], "cutout_white").jobs
        with pytest.raises(AccountProblemError) as raised:
            engine.process(job.id)
        assert raised.value.kind is AccountProblemKind.INSTALLATION
        assert "Reinstall ProductSnap" in raised.value.message
        assert engine.store.get(job.id).status is JobStatus.QUEUED
        engine.close()
    finally:
        cutout_model.forget_session()


def test_the_command_line_cuts_out_in_live_mode_sending_nothing(
        mock_env: dict[str, str], tmp_path: Path, out_dir: Path) -> None:
    photo, _ = product_photo(tmp_path / "in" / "bottle.jpg")
    with GeminiStandIn() as server:
        env = child_env(mock_env, IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=API_KEY,
                        NANO_BANANA_API_URL=server.url)
        result = subprocess.run(
            [sys.executable, "-m", "app", "generate", str(photo), "--mode", "cutout_shadow",
             "--max-cost", "0"], env=env, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        assert server.requests == []  # not even the model list: nothing is sent
    assert [p.name for p in out_dir.iterdir()] == ["bottle_cutout_shadow.jpg"]


def test_a_demo_mode_cut_out_exports_beside_real_results(
        mock_env: dict[str, str], tmp_path: Path, out_dir: Path) -> None:
    photo, _ = product_photo(tmp_path / "in" / "bottle.jpg")
    env = child_env(mock_env)
    for args in (["generate", str(photo), "--mode", "cutout_white"],
                 ["export", "--last", "--preset", "amazon"]):
        result = subprocess.run([sys.executable, "-m", "app", *args], env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode in (0, 1), result.stderr  # 1: the check's verdict
    assert (out_dir / "bottle_cutout_white.jpg").is_file()
    exported = list((out_dir / "amazon").iterdir())
    assert [p.suffix for p in exported] == [".jpg"] and not (out_dir / "Demo").exists()


def test_a_cut_out_made_in_demo_mode_is_not_a_demo_result() -> None:
    from app.core.job import Job

    def job(style: str, mode: str) -> Job:
        return Job(id="j", source_path="/p/a.jpg", style=style, status=JobStatus.COMPLETED,
                   mode=mode, created_at=0.0)

    assert job("cutout_white", "mock").made_locally
    assert not job("cutout_white", "mock").is_demo_result  # no DEMO mark, not under Demo/
    assert job("studio_white", "mock").is_demo_result
    assert not job("studio_white", "live").is_demo_result
    assert not job("a_style_since_removed", "live").made_locally


def test_a_colour_that_is_no_colour_is_a_usage_error_naming_the_flag(
        mock_env: dict[str, str], tmp_path: Path, out_dir: Path) -> None:
    photo, _ = product_photo(tmp_path / "bottle.jpg", size=(600, 450))
    env = child_env(mock_env)
    result = subprocess.run(
        [sys.executable, "-m", "app", "generate", str(photo), "--mode", "cutout_colour",
         "--colour", "blue"], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "--colour must be a colour written #rrggbb" in result.stderr
    assert not out_dir.exists() or not any(out_dir.iterdir())


def test_a_reader_that_leaves_early_is_no_error(mock_env: dict[str, str]) -> None:
    env = child_env(mock_env)
    listing = subprocess.Popen([sys.executable, "-m", "app", "modes"], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert listing.stdout is not None and listing.stderr is not None
    listing.stdout.close()  # the reader is gone before a line was written
    code = listing.wait(timeout=60)
    errors = listing.stderr.read()
    assert code == 0 and b"BrokenPipeError" not in errors, errors


def test_a_transparent_cut_out_is_upright_and_carries_no_camera_data(
        mock_config: Config, tmp_path: Path) -> None:
    """A phone photo stored sideways with an EXIF turn (and a GPS position) becomes an upright
    cut-out of the size it is seen at, with nothing of the camera's metadata."""
    from tests.photos import jpeg_with_exif

    stored, truth = product_photo(tmp_path / "sideways_source.jpg", size=(600, 450))
    with Image.open(stored) as image:
        sideways = image.transpose(Image.Transpose.ROTATE_90)  # as the sensor saw it
    photo = tmp_path / "phone.jpg"
    photo.write_bytes(jpeg_with_exif(sideways, orientation=6, camera=True, gps=True))
    engine = Engine(mock_config)
    (job,) = engine.add_photos([photo], "cutout_transparent").jobs
    done = engine.process(job.id)
    engine.close()
    with Image.open(done.output_path or "") as result:
        assert result.size == (600, 450)  # upright: as the photo is seen, not as stored
        assert not result.getexif() and "exif" not in result.info
        assert iou(result.getchannel("A"), truth) > 0.9
