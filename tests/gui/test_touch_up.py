"""Touch up...: the brush paints on the mask where it goes and nowhere else, Undo and Redo take
strokes back and forth, Save hands the edited mask to the engine off the GUI thread, Cancel
leaves the job's mask as it was; the detail view offers it for finished cut-outs only.

Real widgets, offscreen, with a small fake engine (``cutout_of`` and ``touch_up``)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest
from PIL import Image
from PySide6.QtCore import QPoint, QRectF, Qt, QThreadPool
from PySide6.QtWidgets import QDialog
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.core.job import Job, JobStatus
from app.gui.detail_view import TOUCH_UP, DetailPanel
from app.gui.market_checks import MarketplaceChecks
from app.gui.mask_editor import Brush, MaskEditor
from app.gui.touch_up import TouchUpDialog, mask_to_pil
from app.gui.window_fit import FRAME_GUESS
from app.images.cutout import CutOut
from app.services.errors import JobError
from tests.gui.conftest import WindowFactory

SAMPLE = Path(__file__).resolve().parents[2] / "resources" / "samples" / "espresso-cup.jpg"
JOB = Job("job-1", str(SAMPLE), "cutout_white", JobStatus.COMPLETED, "mock", 0.0,
          result_path="/nowhere/job-1.png", mask_path="/nowhere/job-1.mask.png")


class FakeEngine:
    """``cutout_of`` and ``touch_up`` as the engine has them, called on a worker thread."""

    def __init__(self, cutout: CutOut, error: JobError | None = None) -> None:
        self.cutout = cutout
        self.error = error
        self.load_error: JobError | None = None
        self.saved: list[tuple[str, Image.Image, bool]] = []

    def cutout_of(self, job_id: str) -> CutOut:
        if self.load_error is not None:
            raise self.load_error
        return self.cutout

    def touch_up(self, job_id: str, mask: Image.Image) -> Job:
        on_gui_thread = threading.current_thread() is threading.main_thread()
        if self.error is not None:
            raise self.error
        self.saved.append((job_id, mask, on_gui_thread))
        return replace(JOB, result_path="/nowhere/job-1-touched.png")


def full_mask(size: tuple[int, int]) -> Image.Image:
    return Image.new("L", size, 255)


def automatic(cutout: CutOut) -> Image.Image:
    """The "model's" mask: a box in the middle."""
    mask = Image.new("L", cutout.photo.size, 0)
    mask.paste(255, (150, 100, 450, 300))
    return mask


def pixels(mask: Image.Image) -> npt.NDArray[np.uint8]:
    return np.asarray(mask.convert("L"), dtype=np.uint8)


def edited(editor: MaskEditor) -> npt.NDArray[np.uint8]:
    return pixels(mask_to_pil(editor.edited_mask()))


@pytest.fixture
def cutout() -> CutOut:
    with Image.open(SAMPLE) as photo:
        rgb = photo.convert("RGB")
    return CutOut(rgb, full_mask(rgb.size))


@pytest.fixture
def engine(cutout: CutOut) -> FakeEngine:
    return FakeEngine(cutout)


@pytest.fixture
def pool() -> Iterator[QThreadPool]:
    threads = QThreadPool()
    yield threads
    threads.waitForDone(10_000)


@pytest.fixture
def dialog(qtbot: QtBot, engine: FakeEngine, pool: QThreadPool) -> TouchUpDialog:
    shown = TouchUpDialog(engine, JOB, pool, automatic=automatic)
    qtbot.addWidget(shown)
    shown._discard_ok = lambda: True  # type: ignore[method-assign]
    shown.resize(900, 640)
    shown.show()
    qtbot.waitUntil(shown.editor.has_picture)
    qtbot.waitUntil(lambda: shown.editor.isEnabled())
    return shown


def at(editor: MaskEditor, x: float, y: float) -> QPoint:
    """Where the photo's pixel (x, y) is on the editor."""
    return editor.widget_rect(QRectF(x, y, 0, 0)).topLeft().toPoint()


def stroke(qtbot: QtBot, editor: MaskEditor, points: list[tuple[float, float]]) -> None:
    """A drag with the left button through ``points`` (photo pixels)."""
    qtbot.mousePress(editor, Qt.MouseButton.LeftButton, pos=at(editor, *points[0]))
    for point in points[1:]:
        qtbot.mouseMove(editor, at(editor, *point))
    qtbot.mouseRelease(editor, Qt.MouseButton.LeftButton, pos=at(editor, *points[-1]))


def brush_radius(editor: MaskEditor) -> float:
    """The brush's radius in photo pixels."""
    return editor.brush_size / editor.zoom / 2


def test_erase_changes_the_mask_under_the_stroke_only(qtbot: QtBot,
                                                      dialog: TouchUpDialog) -> None:
    editor = dialog.editor
    assert editor.brush is Brush.ERASE
    dialog.size_slider.setValue(20)
    stroke(qtbot, editor, [(100, 200), (200, 200), (300, 200)])

    mask = edited(editor)
    assert mask.shape == (400, 600)  # the photo's own resolution
    reach = brush_radius(editor)
    assert mask[200, 100:301].max() == 0  # along the stroke: gone
    assert mask[round(200 - reach + 2), 200] == 0
    changed = np.argwhere(mask != 255)
    top, left = changed.min(axis=0)
    bottom, right = changed.max(axis=0)
    assert 100 - reach - 2 <= left and right <= 300 + reach + 2
    assert 200 - reach - 2 <= top and bottom <= 200 + reach + 2
    assert mask[:, :80].min() == 255 and mask[:, 330:].min() == 255
    assert dialog.undo_button.isEnabled() and dialog.save_button.isEnabled()


def test_restore_brings_the_erased_parts_back(qtbot: QtBot, dialog: TouchUpDialog) -> None:
    editor = dialog.editor
    dialog.size_slider.setValue(16)
    stroke(qtbot, editor, [(100, 150), (300, 250)])
    assert edited(editor).min() == 0

    qtbot.mouseClick(dialog.brush_buttons[Brush.RESTORE], Qt.MouseButton.LeftButton)
    assert editor.brush is Brush.RESTORE
    dialog.size_slider.setValue(40)
    stroke(qtbot, editor, [(100, 150), (300, 250)])
    assert edited(editor).min() == 255


def test_undo_and_redo_take_strokes_back_and_forth(qtbot: QtBot,
                                                   dialog: TouchUpDialog) -> None:
    editor = dialog.editor
    original = edited(editor)
    stroke(qtbot, editor, [(100, 100), (400, 100)])
    first = edited(editor)
    stroke(qtbot, editor, [(100, 300), (400, 300)])
    both = edited(editor)
    assert not np.array_equal(first, both)

    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(edited(editor), first)
    qtbot.mouseClick(dialog.undo_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(edited(editor), original)
    assert not dialog.undo_button.isEnabled() and not dialog.save_button.isEnabled()

    qtbot.mouseClick(dialog.redo_button, Qt.MouseButton.LeftButton)
    assert np.array_equal(edited(editor), first)
    dialog.editor_redo()
    assert np.array_equal(edited(editor), both)
    assert not dialog.redo_button.isEnabled()


def test_reset_goes_back_to_the_automatic_mask_as_one_step(qtbot: QtBot,
                                                           dialog: TouchUpDialog,
                                                           cutout: CutOut) -> None:
    editor = dialog.editor
    stroke(qtbot, editor, [(10, 10), (590, 390)])
    painted = edited(editor)
    qtbot.mouseClick(dialog.reset_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: np.array_equal(edited(editor), pixels(automatic(cutout))))
    dialog.editor_undo()
    assert np.array_equal(edited(editor), painted)


def test_save_hands_the_edited_mask_to_the_engine_off_the_gui_thread(
        qtbot: QtBot, dialog: TouchUpDialog, engine: FakeEngine) -> None:
    stroke(qtbot, dialog.editor, [(120, 120), (480, 280)])
    expected = edited(dialog.editor)
    with qtbot.waitSignal(dialog.saved, timeout=10_000) as saved:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert len(engine.saved) == 1
    job_id, mask, on_gui_thread = engine.saved[0]
    assert job_id == JOB.id and not on_gui_thread
    assert mask.mode == "L" and mask.size == (600, 400)
    assert np.array_equal(pixels(mask), expected)
    assert saved.args[0].result_path == "/nowhere/job-1-touched.png"
    assert dialog.result() == QDialog.DialogCode.Accepted and not dialog.isVisible()


def test_a_failed_save_says_why_and_keeps_the_edit(qtbot: QtBot, dialog: TouchUpDialog,
                                                   engine: FakeEngine) -> None:
    engine.error = JobError("The original photo is no longer where it was.")
    stroke(qtbot, dialog.editor, [(120, 120), (480, 280)])
    painted = edited(dialog.editor)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "no longer where it was" in dialog.status.text())
    assert dialog.isVisible() and dialog.save_button.isEnabled()
    assert np.array_equal(edited(dialog.editor), painted)


def test_cancel_leaves_the_mask_as_it_was(qtbot: QtBot, dialog: TouchUpDialog,
                                          engine: FakeEngine) -> None:
    stroke(qtbot, dialog.editor, [(120, 120), (480, 280)])
    asked: list[bool] = []
    dialog._discard_ok = lambda: asked.append(False) or False  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert asked and dialog.isVisible()  # "Discard the touch-up?" - no: still there

    dialog._discard_ok = lambda: True  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Rejected and not dialog.isVisible()
    assert engine.saved == []
    assert engine.cutout.mask.getextrema() == (255, 255)


def test_a_cutout_that_cannot_be_loaded_says_why(qtbot: QtBot, engine: FakeEngine,
                                                 pool: QThreadPool) -> None:
    engine.load_error = JobError("The original photo is no longer where it was, so the "
                                 "cut-out cannot be touched up.")
    dialog = TouchUpDialog(engine, JOB, pool, automatic=automatic)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "cannot be touched up" in dialog.status.text())
    assert not dialog.save_button.isEnabled() and not dialog.tools.isEnabled()
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_wheel_zooms_and_fit_brings_the_whole_photo_back(qtbot: QtBot,
                                                         dialog: TouchUpDialog) -> None:
    editor = dialog.editor
    fitted = editor.zoom
    editor.zoom_by(2.0, at(editor, 300, 200).toPointF())
    assert editor.zoom == pytest.approx(fitted * 2)
    assert editor.to_image(at(editor, 300, 200).toPointF()).x() == pytest.approx(300, abs=1)
    qtbot.mouseClick(dialog.fit_button, Qt.MouseButton.LeftButton)
    assert editor.zoom == pytest.approx(fitted)


def test_the_dialog_fits_a_small_laptop_screen(dialog: TouchUpDialog) -> None:
    least = dialog.minimumSizeHint()
    assert least.width() <= 1024 - FRAME_GUESS.left() - FRAME_GUESS.right()
    assert least.height() <= 640 - FRAME_GUESS.top() - FRAME_GUESS.bottom() - 40  # a task bar


@pytest.mark.parametrize(("style", "status", "offered"), [
    ("cutout_white", JobStatus.COMPLETED, True),
    ("cutout_transparent", JobStatus.COMPLETED, True),
    ("studio_white", JobStatus.COMPLETED, False),  # made by the image service: no mask
    ("cutout_white", JobStatus.FAILED, False),
    ("no_such_style", JobStatus.COMPLETED, False),
])
def test_the_detail_view_offers_touch_up_for_finished_cutouts(
        qtbot: QtBot, pool: QThreadPool, engine: FakeEngine, style: str, status: JobStatus,
        offered: bool) -> None:
    panel = DetailPanel(pool, MarketplaceChecks(pool))
    qtbot.addWidget(panel)
    panel.show()
    job = replace(JOB, style=style, status=status)
    panel.show_job(job)
    assert not panel.buttons[TOUCH_UP].isVisible()  # nothing to touch up with yet
    panel.set_engine_source(lambda: engine)
    assert panel.buttons[TOUCH_UP].isVisible() is offered


def test_touch_up_from_the_detail_view_refreshes_it(qtbot: QtBot, pool: QThreadPool,
                                                    engine: FakeEngine) -> None:
    panel = DetailPanel(pool, MarketplaceChecks(pool))
    qtbot.addWidget(panel)
    panel.set_engine_source(lambda: engine)
    panel.show()
    panel.show_job(JOB)
    qtbot.mouseClick(panel.buttons[TOUCH_UP], Qt.MouseButton.LeftButton)
    dialog = panel.touch_up_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.editor.isEnabled())
    stroke(qtbot, dialog.editor, [(120, 120), (480, 280)])
    with qtbot.waitSignal(panel.job_touched_up, timeout=10_000) as touched:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert touched.args[0].result_path == "/nowhere/job-1-touched.png"
    assert panel.job is not None and panel.job.result_path == "/nowhere/job-1-touched.png"
    qtbot.waitUntil(lambda: panel.touch_up_dialog is None)


def test_a_touch_up_in_the_window_reaches_the_tile_and_the_saved_copy(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path,
        out_dir: Path) -> None:
    """The real engine, queue and window: a cut-out made in the app, touched up from its
    detail view; the tile shows the new result and the saved copy is replaced."""
    from tests.test_cutout_jobs import product_photo

    photo, _ = product_photo(tmp_path / "in" / "bottle.jpg", size=(600, 450))
    window = open_window(mock_config)
    window.style_picker.set_current_style("cutout_transparent")
    window.take_paths([str(photo)])
    qtbot.waitUntil(lambda: any(j.status is JobStatus.COMPLETED for j in window.model.jobs()),
                    timeout=20_000)
    (job,) = window.model.jobs()
    window.show_detail(job.id)
    panel = window.detail
    qtbot.waitUntil(lambda: panel.buttons[TOUCH_UP].isVisible())
    qtbot.mouseClick(panel.buttons[TOUCH_UP], Qt.MouseButton.LeftButton)
    dialog = panel.touch_up_dialog
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.editor.isEnabled(), timeout=10_000)
    dialog.size_slider.setValue(40)
    stroke(qtbot, dialog.editor, [(250, 150), (350, 300)])  # across the bottle's body
    with qtbot.waitSignal(panel.job_touched_up, timeout=20_000):
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    shown = window.model.job(job.id)
    assert shown is not None and shown.result_thumbnail_path != job.result_thumbnail_path
    assert shown.output_path == job.output_path
    with Image.open(shown.output_path or "") as saved:
        assert saved.getchannel("A").getpixel((300, 225)) == 0  # erased in the saved copy
    assert sorted(p.name for p in out_dir.iterdir()) == ["bottle_cutout_transparent.png"]
