"""The local cut-out with the real model (no stand-in): it finds a product in a photo, refuses a
missing or damaged model file in plain words, pastes the product's own pixels when placing it,
and sends nothing home nor writes anything in the user's home folder.

The photos come from the quality benchmark's generator (tests/benchmarks/cutout_quality.py),
at a small size: they have true masks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from app.images.cutout import CutOut, CutoutModelError, cut_out, model
from app.images.cutout.compose import Placement, on_background, transparent
from app.images.intake import decode_image
from tests.benchmarks.cutout_quality import iou, make_scene

ROOT = Path(__file__).resolve().parents[1]
SIZE = (800, 600)
WHITE = (255, 255, 255)


def scene_photo(product: str, condition: str) -> tuple[Image.Image, Image.Image]:
    scene = make_scene(product, condition, SIZE)
    photo, _ = decode_image(scene.jpeg, box=(4096, 4096))
    return photo, scene.truth


@pytest.fixture(scope="module")
def box_cut() -> CutOut:
    """A real cut-out: a cardboard box on a wooden table."""
    photo, _ = scene_photo("box", "normal")
    return cut_out(photo)


# --- finding the product -------------------------------------------------------------------


@pytest.mark.parametrize(("product", "condition"),
                         [("mug", "normal"), ("ring", "normal"), ("box", "dark")])
def test_cut_out_finds_the_product(product: str, condition: str) -> None:
    photo, truth = scene_photo(product, condition)
    cut = cut_out(photo)
    assert cut.mask.mode == "L"
    assert cut.mask.size == photo.size
    assert iou(cut.mask, truth) > 0.9


def test_the_hole_in_a_ring_stays_background() -> None:
    photo, truth = scene_photo("ring", "normal")
    mask = np.asarray(cut_out(photo).mask)
    true = np.asarray(truth)
    left, top, right, bottom = truth.getbbox() or (0, 0, 0, 0)
    # The middle of the ring's box is all hole (the ring's band is well outside it).
    x0, x1 = left + (right - left) * 3 // 10, right - (right - left) * 3 // 10
    y0, y1 = top + (bottom - top) * 3 // 10, bottom - (bottom - top) * 3 // 10
    hole = true[y0:y1, x0:x1] == 0
    assert hole.mean() > 0.99  # the generator's ring has its hole there
    assert np.mean(mask[y0:y1, x0:x1][hole] < 128) > 0.95


def test_refining_keeps_the_photo_and_sharpens_the_edge() -> None:
    photo, truth = scene_photo("mug", "normal")
    before = np.asarray(photo).copy()
    refined, rough = cut_out(photo), cut_out(photo, refine_edges=False)
    assert np.array_equal(np.asarray(refined.photo), before)  # the product's pixels untouched
    true = np.asarray(truth) >= 128
    # The refined mask is wrong at fewer pixels than the model's mask stretched to size.
    wrong = [np.count_nonzero((np.asarray(c.mask) >= 128) != true) for c in (refined, rough)]
    assert wrong[0] < wrong[1]


# --- the model file ------------------------------------------------------------------------


@pytest.fixture
def model_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The path the model is read from, pointed into tmp_path with no session cached; the
    real file and a fresh cache come back afterwards."""
    path = tmp_path / "models" / "u2netp.onnx"
    monkeypatch.setattr(model, "model_path", lambda: path)
    model.forget_session()
    yield path
    model.forget_session()  # the next test loads the real file again


def assert_plain_reinstall(error: CutoutModelError, path: Path) -> None:
    message = error.message
    assert message == str(error)
    assert "Reinstall ProductSnap" in message
    assert message.endswith(".")
    assert str(path) not in message and "sha256" not in message  # the details are elsewhere
    assert str(path) in error.detail


def test_a_damaged_model_file_is_refused(model_file: Path) -> None:
    model_file.parent.mkdir()
    data = bytearray((ROOT / "resources" / "models" / "u2netp.onnx").read_bytes())
    data[len(data) // 2] ^= 0x01  # one bit of one weight
    model_file.write_bytes(bytes(data))
    with pytest.raises(CutoutModelError) as caught:
        cut_out(Image.new("RGB", (64, 48), (200, 30, 30)))
    assert "damaged" in caught.value.message
    assert model.MODEL_SHA256 in caught.value.detail
    assert_plain_reinstall(caught.value, model_file)


def test_a_missing_model_file_is_refused(model_file: Path) -> None:
    with pytest.raises(CutoutModelError) as caught:
        cut_out(Image.new("RGB", (64, 48), (200, 30, 30)))
    assert "missing" in caught.value.message
    assert_plain_reinstall(caught.value, model_file)


def test_the_real_model_loads_after_a_refusal(model_file: Path) -> None:
    with pytest.raises(CutoutModelError):
        model.session()
    model_file.parent.mkdir()
    shutil.copy(ROOT / "resources" / "models" / "u2netp.onnx", model_file)
    assert model.session() is model.session()  # loaded once, then cached


def test_the_model_is_let_go_when_unused_and_loaded_again_when_needed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(model._keeper, "idle_s", 0.3)
    photo = Image.new("RGB", (64, 48), (200, 30, 30))
    model.predict(photo)
    assert model._keeper.loaded  # kept for the next photo of the batch
    deadline = time.monotonic() + 10
    while model._keeper.loaded and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not model._keeper.loaded  # its memory went back to the system
    assert model.predict(photo).shape == (model.INPUT_EDGE, model.INPUT_EDGE)
    assert model._keeper.loaded


# --- placing the product -------------------------------------------------------------------


def pasted_area(cut: CutOut, canvas: Image.Image) -> tuple[int, int, int, int]:
    """Where on_background puts the product's box on the canvas (centred)."""
    left, top, right, bottom = cut.box or (0, 0, 0, 0)
    x = (canvas.width - (right - left)) // 2
    y = (canvas.height - (bottom - top)) // 2
    return x, y, x + right - left, y + bottom - top


def test_on_white_the_product_keeps_its_own_pixels(box_cut: CutOut) -> None:
    canvas = on_background(box_cut, Placement(WHITE, 0.86))
    assert canvas.mode == "RGB" and canvas.width == canvas.height
    box = box_cut.box
    assert box is not None
    area = pasted_area(box_cut, canvas)
    photo = np.asarray(box_cut.photo.crop(box))
    mask = np.asarray(box_cut.mask.crop(box))
    placed = np.asarray(canvas.crop(area))
    opaque = mask == 255
    assert opaque.mean() > 0.5
    assert np.array_equal(placed[opaque], photo[opaque])
    clear = mask == 0
    assert np.all(placed[clear] == 255)


def test_on_white_the_border_is_pure_white(box_cut: CutOut) -> None:
    pixels = np.asarray(on_background(box_cut, Placement(WHITE, 0.86))).astype(int)
    border = np.concatenate([pixels[0], pixels[-1], pixels[:, 0], pixels[:, -1]])
    assert np.all(border == 255)


@pytest.mark.parametrize("fill", [0.86, 0.6])
def test_the_product_fills_its_share_of_the_frame(box_cut: CutOut, fill: float) -> None:
    canvas = on_background(box_cut, Placement(WHITE, fill))
    product = np.any(np.asarray(canvas) != 255, axis=2)
    rows, columns = np.nonzero(product)
    height, width = rows.max() - rows.min() + 1, columns.max() - columns.min() + 1
    assert max(width, height) / canvas.width == pytest.approx(fill, abs=0.01)
    # centred
    assert (columns.min() + columns.max()) / 2 == pytest.approx(canvas.width / 2, abs=2)
    assert (rows.min() + rows.max()) / 2 == pytest.approx(canvas.height / 2, abs=2)


def test_the_shadow_darkens_only_below_the_product(box_cut: CutOut) -> None:
    plain = np.asarray(on_background(box_cut, Placement(WHITE, 0.8))).astype(int)
    shaded = np.asarray(on_background(box_cut, Placement(WHITE, 0.8, shadow=True))).astype(int)
    assert plain.shape == shaded.shape
    _, top, _, bottom = pasted_area(box_cut, Image.new("L", plain.shape[:2]))
    changed = np.any(plain != shaded, axis=2)
    rows, _ = np.nonzero(changed)
    assert rows.size > 0  # there is a shadow
    assert np.all(shaded[changed] <= plain[changed])  # it only darkens
    assert rows.min() > top + 0.75 * (bottom - top)  # only around the product's foot
    assert rows.max() > bottom  # and reaches onto the floor below it
    border = np.concatenate([shaded[0], shaded[-1], shaded[:, 0], shaded[:, -1]])
    assert np.all(border == 255)
    box = box_cut.box
    assert box is not None
    x, y, right, lower = pasted_area(box_cut, Image.new("L", plain.shape[:2]))
    opaque = np.asarray(box_cut.mask.crop(box)) == 255
    assert np.array_equal(shaded[y:lower, x:right][opaque],
                          np.asarray(box_cut.photo.crop(box))[opaque])


def test_transparent_is_the_photo_with_the_mask_as_alpha(box_cut: CutOut) -> None:
    picture = transparent(box_cut)
    assert picture.mode == "RGBA"
    assert picture.size == box_cut.photo.size
    pixels = np.asarray(picture)
    assert np.array_equal(pixels[..., :3], np.asarray(box_cut.photo))  # straight alpha
    assert np.array_equal(pixels[..., 3], np.asarray(box_cut.mask))
    assert 0 < np.mean(pixels[..., 3] == 255) < 1


# --- nothing sent, nothing written ---------------------------------------------------------

CHILD = textwrap.dedent("""
    import importlib.abc, json, os, sys

    seen = {}

    class Watch(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if name == "onnxruntime" and "at_import" not in seen:
                seen["at_import"] = os.environ.get("ORT_DISABLE_TELEMETRY")
            return None

    sys.meta_path.insert(0, Watch())
    import app.images.cutout
    from PIL import Image

    cut = app.images.cutout.cut_out(Image.new("RGB", (320, 240), (200, 30, 30)))
    seen["mask"] = cut.mask.size
    seen["after"] = os.environ.get("ORT_DISABLE_TELEMETRY")
    print(json.dumps(seen))
""")


def test_onnxruntime_is_told_not_to_send_telemetry_and_writes_nothing_home(
        tmp_path: Path) -> None:
    home = tmp_path / "empty-home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("XDG_", "ORT_", "PRODUCTSNAP_"))}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
               XDG_CACHE_HOME=str(home / ".cache"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_STATE_HOME=str(home / ".local/state"), PYTHONPATH=str(ROOT),
               ORT_DISABLE_TELEMETRY="0")  # a user's setting that would turn it back on
    done = subprocess.run([sys.executable, "-c", CHILD], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen.get("at_import") == "1"  # what onnxruntime read as it was imported
    assert seen["after"] == "1"
    assert seen["mask"] == [320, 240]
    assert sorted(home.rglob("*")) == []
