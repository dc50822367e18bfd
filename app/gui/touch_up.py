"""Touch up...: erase and restore on a finished cut-out's mask, then Save.

The dialog takes its collaborators (anything with ``cutout_of`` and ``touch_up``, a thread
pool, the way to work out the automatic mask), so it is tested with a small fake engine. The
cut-out is loaded, the automatic mask worked out and the touch-up saved through the app's one
mechanism for background work (``run_for``: ``app.worker.run_task`` whose answer is dropped
once the dialog is gone); the GUI thread only paints.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

import shiboken6
from PIL import Image
from PySide6.QtCore import QPoint, QRect, QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QAction, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from app.core.job import Job
from app.gui import theme
from app.gui.mask_editor import Brush, MaskEditor, Picture
from app.gui.pools import run_for
from app.gui.window_fit import fit_to_screen
from app.images.cutout import CutOut, cut_out
from app.services.errors import JobError

log = logging.getLogger(__name__)

PREFERRED = QSize(1100, 800)  # on a big screen; a laptop's gets what it has
BRUSH_SIZES = (2, 300)        # screen pixels across
_GREY = QImage.Format.Format_Grayscale8


class TouchUpEngine(Protocol):
    """What the dialog needs of the engine (``app.core.engine.Engine`` has both)."""

    def cutout_of(self, job_id: str) -> CutOut: ...

    def touch_up(self, job_id: str, mask: Image.Image) -> Job: ...


def automatic_mask(cutout: CutOut) -> Image.Image:
    """Worker thread: the model's own mask for the photo, as the job first had it (the engine
    keeps only the current mask, and cuts out again the same way when it has none)."""
    return cut_out(cutout.photo).mask


def mask_image(mask: Image.Image) -> QImage:
    """A PIL mask as a ``Format_Grayscale8`` QImage of its own (any thread)."""
    grey = mask.convert("L") if mask.mode != "L" else mask
    data = grey.tobytes()  # alive until copied: the QImage only points at it
    return QImage(data, grey.width, grey.height, grey.width, _GREY).copy()


def mask_to_pil(mask: QImage) -> Image.Image:
    """The edited mask as a PIL ``L`` image (any thread)."""
    grey = mask if mask.format() == _GREY else mask.convertToFormat(_GREY)
    return Image.frombytes("L", (grey.width(), grey.height()), bytes(grey.constBits()), "raw",
                           "L", grey.bytesPerLine())


def make_picture(photo: Image.Image, mask: Image.Image) -> Picture:
    """Worker thread: a cut-out's photo and mask ready for the editor."""
    rgb = photo.convert("RGB") if photo.mode != "RGB" else photo
    data = rgb.tobytes()
    full = QImage(data, rgb.width, rgb.height, rgb.width * 3, QImage.Format.Format_RGB888).copy()
    if mask.size != rgb.size:
        mask = mask.resize(rgb.size, Image.Resampling.BILINEAR)
    return Picture.of(full, mask_image(mask))


def _load(engine: TouchUpEngine, job_id: str) -> tuple[CutOut, Picture]:
    """Worker thread: the job's cut-out, ready to paint on."""
    cutout = engine.cutout_of(job_id)
    return cutout, make_picture(cutout.photo, cutout.mask)


class TouchUpDialog(QDialog):
    saved = Signal(Job)  # the job as touched up: its new result, thumbnail and copy

    def __init__(self, engine: TouchUpEngine, job: Job, pool: QThreadPool,
                 parent: QWidget | None = None, *,
                 automatic: Callable[[CutOut], Image.Image] = automatic_mask) -> None:
        super().__init__(parent)
        self.setObjectName("touchUpDialog")
        self.setWindowTitle(self.tr("Touch up %1").replace("%1", job.name))
        self._engine, self._job, self._pool, self._automatic = engine, job, pool, automatic
        self._cutout: CutOut | None = None
        self._automatic_mask: Image.Image | None = None
        self._busy = False  # loading, working out the automatic mask, or saving
        self._saving = False  # the engine is writing: the dialog stays until it is done

        root = QVBoxLayout(self)
        root.setSpacing(8)
        root.addLayout(self._build_tools())
        self.editor = MaskEditor(self)
        self.editor.set_brush_size(self.size_slider.value())
        self.editor.set_message(self.tr("Loading the photo…"))
        self.editor.zoom_changed.connect(self._zoom_changed)
        self.editor.mask_edited.connect(self._update_state)
        root.addWidget(self.editor, 1)

        foot = QHBoxLayout()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        foot.addWidget(self.status, 1)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)  # the engine tells no steps: a busy bar
        self.progress.setMaximumWidth(140)
        self.progress.setAccessibleName(self.tr("Working"))
        self.progress.hide()
        foot.addWidget(self.progress)
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton(self.tr("Save"),
                                                  QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setToolTip(self.tr(
            "Keep this mask for the photo: its result and your copy are made again from it, "
            "and every export uses it"))
        theme.primary(self.save_button)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        foot.addWidget(self.buttons)
        root.addLayout(foot)

        self._fit_screen()
        self._set_busy(True, self.tr("Loading the photo…"))
        run_for(self, pool, lambda: _load(engine, job.id), on_done=self._loaded,
                on_error=self._load_failed)

    def _build_tools(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.tools = QWidget(self)
        tools = QHBoxLayout(self.tools)
        tools.setContentsMargins(0, 0, 0, 0)
        self._brushes = QButtonGroup(self)
        self.brush_buttons: dict[Brush, QPushButton] = {}
        for brush, label, key, tip in (
                (Brush.ERASE, self.tr("Erase"), "E",
                 self.tr("Paint over what is not the product (E)")),
                (Brush.RESTORE, self.tr("Restore"), "R",
                 self.tr("Paint over what belongs to the product (R)"))):
            button = QPushButton(label, self.tools)
            button.setCheckable(True)
            button.setChecked(brush is Brush.ERASE)
            button.setShortcut(QKeySequence(key))
            button.setToolTip(tip)
            button.clicked.connect(lambda _=False, b=brush: self._choose(b))
            self._brushes.addButton(button)
            self.brush_buttons[brush] = button
            tools.addWidget(button)
        tools.addSpacing(12)
        size_label = QLabel(self.tr("Size:"), self.tools)
        tools.addWidget(size_label)
        self.size_slider = QSlider(Qt.Orientation.Horizontal, self.tools)
        self.size_slider.setRange(*BRUSH_SIZES)
        self.size_slider.setValue(40)
        self.size_slider.setMinimumWidth(90)
        self.size_slider.setMaximumWidth(180)
        self.size_slider.setAccessibleName(self.tr("Brush size"))
        self.size_slider.setToolTip(self.tr("The brush's size on the screen ([ and ])"))
        self.size_slider.valueChanged.connect(lambda value: self.editor.set_brush_size(value))
        size_label.setBuddy(self.size_slider)
        tools.addWidget(self.size_slider)
        tools.addSpacing(12)
        self.undo_button = QPushButton(self.tr("Undo"), self.tools)
        self.redo_button = QPushButton(self.tr("Redo"), self.tools)
        self.fit_button = QPushButton(self.tr("Fit"), self.tools)
        self.fit_button.setToolTip(self.tr("The whole photo in view (Ctrl+0); the wheel zooms"))
        self.result_button = QPushButton(self.tr("Preview"), self.tools)
        self.result_button.setCheckable(True)
        self.result_button.setToolTip(self.tr(
            "The product alone on a checkerboard, instead of the photo with the rest dimmed"))
        self.reset_button = QPushButton(self.tr("Reset to automatic"), self.tools)
        self.reset_button.setToolTip(self.tr(
            "Go back to the mask the cut-out made by itself (Undo takes this back too)"))
        for button in (self.undo_button, self.redo_button, self.fit_button,
                       self.result_button, self.reset_button):
            tools.addWidget(button)
        for button in self.tools.findChildren(QPushButton):
            # Tab reaches them, a click leaves the keys (Space to move the photo) to the editor;
            # Enter is Save's, not the first tool's.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setAutoDefault(False)
        self.undo_button.clicked.connect(lambda: self.editor.undo_stack.undo())
        self.redo_button.clicked.connect(lambda: self.editor.undo_stack.redo())
        self.fit_button.clicked.connect(lambda: self.editor.zoom_to_fit())
        self.result_button.toggled.connect(lambda on: self.editor.set_show_result(on))
        self.reset_button.clicked.connect(self.reset_to_automatic)
        row.addWidget(self.tools)
        row.addStretch(1)
        self.zoom_label = QLabel(self)
        self.zoom_label.setAccessibleName(self.tr("Zoom"))
        row.addWidget(self.zoom_label)

        for keys, slot, button, tip in (
                (QKeySequence.StandardKey.Undo, self.editor_undo, self.undo_button,
                 self.tr("Take back the last stroke (%1)")),
                (QKeySequence.StandardKey.Redo, self.editor_redo, self.redo_button,
                 self.tr("Paint the stroke taken back again (%1)"))):
            action = QAction(self)
            action.setShortcuts(keys)
            action.triggered.connect(slot)
            self.addAction(action)
            button.setToolTip(tip.replace("%1", action.shortcut().toString(
                QKeySequence.SequenceFormat.NativeText)))
        for key, step in (("[", -1), ("]", 1), ("Ctrl+0", 0)):
            action = QAction(self)
            action.setShortcut(QKeySequence(key))
            action.triggered.connect(lambda _=False, s=step: self._key_step(s))
            self.addAction(action)
        return row

    def _choose(self, brush: Brush) -> None:
        self.editor.brush = brush

    def editor_undo(self) -> None:
        if self.tools.isEnabled():
            self.editor.undo_stack.undo()

    def editor_redo(self) -> None:
        if self.tools.isEnabled():
            self.editor.undo_stack.redo()

    def _key_step(self, step: int) -> None:
        if step == 0:
            self.editor.zoom_to_fit()
        else:
            value = self.size_slider.value()
            self.size_slider.setValue(round(value * (1.25 if step > 0 else 0.8)) + step)

    def _fit_screen(self) -> None:
        """As big as ``PREFERRED`` where the screen has room, else as the screen's free area
        (a 1024x640 laptop's included)."""
        parent = self.parentWidget()
        screen = (parent.screen() if parent is not None else None) or \
            QGuiApplication.primaryScreen()
        if screen is None:
            return
        available = screen.availableGeometry()
        self.resize(fit_to_screen(QRect(QPoint(available.topLeft()), PREFERRED),
                                  available).size())

    # -- state -----------------------------------------------------------------------------------

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self._busy = busy
        self.progress.setVisible(busy)
        if text:
            self._say(text)
        self._update_state()

    def _update_state(self) -> None:
        if not shiboken6.isValid(self.tools):  # the undo stack's last word, as the dialog goes
            return
        ready = self.editor.has_picture() and not self._busy
        self.tools.setEnabled(ready)
        self.editor.setEnabled(ready)
        stack = self.editor.undo_stack
        self.undo_button.setEnabled(ready and stack.canUndo())
        self.redo_button.setEnabled(ready and stack.canRedo())
        self.save_button.setEnabled(ready and not stack.isClean())
        self.cancel_button.setEnabled(not self._saving)

    def _say(self, text: str, problem: bool = False) -> None:
        self.status.setStyleSheet(f"color: {theme.ERROR_ACCENT};" if problem else "")
        self.status.setText(text)

    def _hint(self) -> None:
        self._say(self.tr(
            "Erase what is not the product, restore what is. The wheel zooms; drag with the "
            "right button, or with Space held, to move the photo."))

    def _problem(self, error: BaseException, fallback: str) -> None:
        if isinstance(error, JobError):
            text = error.message
        else:
            log.error("Touch-up: %s", fallback, exc_info=error)
            text = fallback
        self._say(text, problem=True)

    def _zoom_changed(self, zoom: float) -> None:
        self.zoom_label.setText(self.tr("%1 %").replace("%1", f"{zoom * 100:.0f}"))

    # -- work ------------------------------------------------------------------------------------

    def _loaded(self, loaded: tuple[CutOut, Picture]) -> None:
        self._cutout, picture = loaded
        self.editor.set_picture(picture)
        self._set_busy(False)
        self._hint()
        self.editor.setFocus()

    def _load_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self.editor.set_message(self.tr("There is nothing to touch up."))
        self._problem(error, self.tr("The photo could not be opened for touching up."))

    def reset_to_automatic(self) -> None:
        """The mask the cut-out made by itself, as one step Undo takes back."""
        cutout = self._cutout
        if cutout is None or self._busy:
            return
        if self._automatic_mask is not None:
            self._apply_automatic(self._automatic_mask)
            return
        self._set_busy(True, self.tr("Working out the automatic mask…"))
        run_for(self, self._pool, lambda: self._automatic(cutout),
                on_done=self._apply_automatic, on_error=self._automatic_failed)

    def _apply_automatic(self, mask: Image.Image) -> None:
        self._automatic_mask = mask
        self.editor.replace_mask(mask_image(mask), self.tr("Reset"))
        self._set_busy(False)
        self._hint()

    def _automatic_failed(self, error: BaseException) -> None:
        self._set_busy(False)
        self._problem(error, self.tr("The automatic mask could not be worked out."))

    def save(self) -> None:
        if self._busy or not self.editor.has_picture():
            return
        mask, engine, job_id = self.editor.edited_mask(), self._engine, self._job.id
        self._saving = True
        self._set_busy(True, self.tr("Saving…"))
        run_for(self, self._pool, lambda: engine.touch_up(job_id, mask_to_pil(mask)),
                on_done=self._saved, on_error=self._save_failed)

    def _saved(self, job: Job) -> None:
        self._saving = False
        self.editor.undo_stack.setClean()
        self._set_busy(False)
        self.saved.emit(job)
        self.accept()

    def _save_failed(self, error: BaseException) -> None:
        self._saving = False
        self._set_busy(False)
        self._problem(error, self.tr("The touched-up photo could not be saved."))

    def reject(self) -> None:
        """Cancel, Esc or the close button: the job keeps its mask. Not while saving (the
        engine is writing the files), and only once sure when something was painted."""
        if self._saving:
            return
        if not self.editor.undo_stack.isClean() and not self._discard_ok():
            return
        super().reject()

    def _discard_ok(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Discard the touch-up?"),
            self.tr("What you painted on this cut-out will be lost."),
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Discard
