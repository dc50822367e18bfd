"""The detail view of one job: before and after, what it was made with, what it cost, the full
error when it failed, a note such as "small photo", the checks for the chosen marketplace, and
the actions on it.

It sits in a splitter beside the gallery and must fit a laptop's screen: the pictures take the
room there is, the actions stay in view at the foot, and the pictures and facts scroll when the
window is short, rather than the panel asking the window to grow.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, QThreadPool, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.core.job import Job, JobStatus
from app.gui import theme
from app.gui.check_list import CheckList
from app.gui.compare_view import CompareView, Layout
from app.gui.gallery_model import style_name
from app.gui.market_checks import MarketplaceChecks
from app.gui.pools import run_for
from app.gui.thumbnails import load_image
from app.services.styles import UnknownStyleError, get_style

if TYPE_CHECKING:
    from app.gui.touch_up import TouchUpDialog, TouchUpEngine

PREVIEW_EDGE = 1600

# action ids, shared with the main window
RETRY, CANCEL, OPEN, SHOW, COPY, SAVE_AS, REMOVE, ANOTHER, EXPORT = (
    "retry", "cancel", "open", "show", "copy", "save-as", "remove", "another-version", "export")
TOUCH_UP = "touch-up"  # handled here: the panel opens the touch-up dialog itself

_ZERO_WIDTH_SPACE = "\u200b"


def is_local(style_id: str) -> bool:
    """Made on this computer (a cut-out): its mask can be touched up."""
    try:
        return get_style(style_id).is_local
    except UnknownStyleError:  # a style since removed
        return False


def breakable(path: str) -> str:
    """A path that can wrap after its separators: a long file name must not make the panel (and
    the window) wider. For display only; the tooltip keeps the path as it is."""
    return re.sub(r"([/\\_.-])", r"\1" + _ZERO_WIDTH_SPACE, path)


class DetailPanel(QWidget):
    action_requested = Signal(str, str)  # action id, job id
    closed = Signal()
    job_touched_up = Signal(Job)  # saved from the touch-up dialog: new result and thumbnail

    def __init__(self, pool: QThreadPool, checks: MarketplaceChecks,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("detailPanel")
        self.setAccessibleName(self.tr("Photo details"))
        self.setMinimumWidth(340)
        self._pool = pool
        self._job: Job | None = None
        self._generation = 0
        self._loaded_paths: tuple[str, str] = ("", "")
        self._engine_source: Callable[[], TouchUpEngine | None] | None = None
        self.touch_up_dialog: TouchUpDialog | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 12)
        layout.setSpacing(10)

        header = QHBoxLayout()
        self.title = QLabel(self)
        self.title.setFont(theme.scaled_font(self.font(), 1.25, bold=True))
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        header.addWidget(self.title, 1)
        close = QToolButton(self)
        close.setAutoRaise(True)
        close.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_TitleBarCloseButton))
        close.setToolTip(self.tr("Close the details (Esc)"))
        close.setAccessibleName(self.tr("Close details"))
        close.clicked.connect(self.closed.emit)
        header.addWidget(close)
        layout.addLayout(header)

        # The pictures and facts scroll when the window is short, the actions stay at the
        # foot: the panel never asks the window for more height than a laptop's screen has.
        self.body_scroll = scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget(scroll)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(10)
        layout.addWidget(scroll, 1)

        self.compare = CompareView(body)
        column.addWidget(self.compare, 1)

        toggle = QHBoxLayout()
        toggle.addStretch(1)
        self._layouts = QButtonGroup(self)
        for mode, label in ((Layout.SLIDER, self.tr("Slider")),
                            (Layout.SIDE_BY_SIDE, self.tr("Side by side"))):
            button = QPushButton(label, body)
            button.setCheckable(True)
            button.setChecked(mode is Layout.SLIDER)
            button.setAccessibleName(self.tr("Compare: %1").replace("%1", label))
            button.clicked.connect(lambda _=False, m=mode: self.compare.set_layout(m))
            self._layouts.addButton(button)
            toggle.addWidget(button)
        toggle.addStretch(1)
        column.addLayout(toggle)

        column.addWidget(self._build_warning(body))
        self.error = QPlainTextEdit(body)
        self.error.setReadOnly(True)
        self.error.setAccessibleName(self.tr("Error"))
        self.error.setMinimumHeight(60)
        self.error.setMaximumHeight(110)
        self.error.hide()
        column.addWidget(self.error)
        self.market = CheckList(checks, body)
        column.addWidget(self.market)

        # The actions that apply to the job shown, two to a row: a finished photo has seven, a
        # failed one three, so the panel stays short.
        self._grid = QGridLayout()
        self._grid.setSpacing(6)
        self._arranged: list[str] = []
        self.buttons: dict[str, QPushButton] = {}
        for action, label in ((OPEN, self.tr("Open")), (SHOW, self.tr("Show in folder")),
                              (COPY, self.tr("Copy image")), (SAVE_AS, self.tr("Save as…")),
                              (EXPORT, self.tr("Export…")), (TOUCH_UP, self.tr("Touch up…")),
                              (ANOTHER, self.tr("Make another version")),
                              (RETRY, self.tr("Retry")), (CANCEL, self.tr("Cancel")),
                              (REMOVE, self.tr("Remove from list"))):
            button = QPushButton(label, self)
            button.setAccessibleName(label.rstrip("…"))
            button.clicked.connect(lambda _=False, a=action: self._request(a))
            button.hide()
            self.buttons[action] = button
        self.buttons[EXPORT].setToolTip(self.tr(
            "Write this photo, or its batch, as a marketplace wants it, checked against its "
            "rules"))
        self.buttons[TOUCH_UP].setToolTip(self.tr(
            "Erase or restore parts of the cut-out where it went wrong; every export uses "
            "the touched-up result"))
        self.buttons[ANOTHER].setToolTip(self.tr(
            "Make this photo again in the same style: a new result, the first one stays"))
        column.addLayout(self._build_form(body))
        scroll.setWidget(body)
        layout.addLayout(self._grid)

    def _build_warning(self, body: QWidget) -> QWidget:
        """A note on the photo ("small photo: the result may lack detail"), when there is one."""
        self.warning = QWidget(body)
        row = QHBoxLayout(self.warning)
        row.setContentsMargins(0, 0, 0, 0)
        icon = QLabel(self.warning)
        edge = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
                       .pixmap(QSize(edge, edge)))
        row.addWidget(icon, 0, Qt.AlignmentFlag.AlignTop)
        self.warning_text = QLabel(self.warning)
        self.warning_text.setWordWrap(True)
        self.warning_text.setAccessibleName(self.tr("Note"))
        self.warning_text.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        row.addWidget(self.warning_text, 1)
        self.warning.hide()
        return self.warning

    def _build_form(self, body: QWidget) -> QFormLayout:
        self.form = QFormLayout()
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        self.form.setHorizontalSpacing(12)
        self.form.setVerticalSpacing(4)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        self.fields: dict[str, QLabel] = {}
        for key, label in (("status", self.tr("Status")), ("style", self.tr("Style")),
                           ("mode", self.tr("Mode")), ("model", self.tr("Model")),
                           ("time", self.tr("Time taken")), ("cost", self.tr("Cost")),
                           ("output", self.tr("Saved as"))):
            value = QLabel(body)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setWordWrap(True)
            value.setAccessibleName(label)
            self.fields[key] = value
            self.form.addRow(label + ":", value)
        # The path is shown with break points; copying it from there would copy those too.
        self.fields["output"].setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        return self.form

    def _arrange(self, shown: list[str]) -> None:
        """Only the buttons in ``shown``, in their order, two to a row."""
        if shown == self._arranged:
            return
        for action in self._arranged:
            self._grid.removeWidget(self.buttons[action])
        for n, action in enumerate(shown):
            self._grid.addWidget(self.buttons[action], n // 2, n % 2)
        for action, button in self.buttons.items():
            button.setVisible(action in shown)
        self._arranged = shown

    @property
    def job(self) -> Job | None:
        return self._job

    def _request(self, action: str) -> None:
        if self._job is None:
            return
        if action == TOUCH_UP:
            self.touch_up()
        else:
            self.action_requested.emit(action, self._job.id)

    def set_engine_source(self, source: Callable[[], TouchUpEngine | None]) -> None:
        """Where Touch up... finds the engine (None while it is not open yet); without one
        the button is not shown."""
        self._engine_source = source
        if self._job is not None:
            self._fill(self._job)

    def touch_up(self) -> None:
        """Touch up... on the job shown: a window-modal dialog; once saved, the pictures here
        are loaded again and ``job_touched_up`` tells the window."""
        from app.gui.touch_up import TouchUpDialog  # Pillow and the editor: only when asked

        engine = self._engine_source() if self._engine_source else None
        job = self._job
        if engine is None or job is None or self.touch_up_dialog is not None:
            return
        dialog = TouchUpDialog(engine, job, self._pool, self.window())
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.saved.connect(self._touched_up)
        dialog.finished.connect(self._touch_up_closed)
        self.touch_up_dialog = dialog
        dialog.open()

    def _touch_up_closed(self, _result: int) -> None:
        self.touch_up_dialog = None

    def _touched_up(self, job: Job) -> None:
        # The engine writes the new result under the same file name: load it again regardless.
        if self._job is not None and self._job.id == job.id:
            self._loaded_paths = ("", "")
            self.show_job(job)
        self.job_touched_up.emit(job)

    def show_job(self, job: Job | None) -> None:
        """Show ``job``; called again with its new state whenever it changes."""
        self._job = job
        if job is None:
            self.title.setText("")
            self.compare.set_images(None, None)
            self.compare.set_message(self.tr("Select a photo to see it here."))
            self.market.show_job(None)
            for button in self.buttons.values():
                button.setEnabled(False)
            return
        self.title.setText(job.name)
        self.title.setToolTip(job.source_path)
        self._fill(job)
        self.market.show_job(job)
        self._load_images(job)

    def _fill(self, job: Job) -> None:
        self.fields["status"].setText(theme.status_text(job.status))
        self.fields["style"].setText(style_name(job.style))
        self.fields["mode"].setText(
            self.tr("On this computer (offline, free)") if job.made_locally
            else self.tr("Demo (offline, free)") if job.mode == "mock" else self.tr("Live"))
        self.fields["model"].setText(job.model or ("—" if job.mode == "mock" else
                                                   self.tr("not sent yet")))
        seconds = job.seconds_taken
        self.fields["time"].setText("—" if seconds is None
                                    else self.tr("%1 s").replace("%1", f"{seconds:.1f}"))
        self.fields["cost"].setText(
            self.tr("free") if job.made_locally
            else self.tr("free (demo)") if job.mode == "mock" else f"${job.cost_usd:.4f}")
        self.fields["output"].setText(breakable(job.output_path) if job.output_path else "—")
        self.fields["output"].setToolTip(job.output_path or "")
        self.warning.setVisible(bool(job.warning))
        self.warning_text.setText(job.warning or "")
        failed = job.status is JobStatus.FAILED
        self.error.setVisible(failed)
        if failed:
            text = job.error or self.tr("It failed without a reason.")
            if job.error_detail:
                text += "\n\n" + self.tr("Details: %1").replace("%1", job.error_detail)
            self.error.setPlainText(text)
        has_result = bool(job.result_path)
        applies = {
            OPEN: has_result or bool(job.output_path), SHOW: True, COPY: has_result,
            SAVE_AS: has_result, ANOTHER: job.status is JobStatus.COMPLETED,
            EXPORT: job.status is JobStatus.COMPLETED and has_result,
            TOUCH_UP: (job.status is JobStatus.COMPLETED and has_result
                       and self._engine_source is not None and is_local(job.style)),
            RETRY: job.status in (JobStatus.FAILED, JobStatus.CANCELLED),
            CANCEL: not job.status.is_final,
            REMOVE: job.status is not JobStatus.PROCESSING}
        for action, button in self.buttons.items():
            button.setEnabled(applies[action])
        # Remove stays in view while the photo is being made: greyed, where it will be.
        self._arrange([a for a in self.buttons if applies[a] or a == REMOVE])

    def _load_images(self, job: Job) -> None:
        before = job.upload_path or job.source_path
        after = job.result_path or ""
        if (before, after) == self._loaded_paths:
            return
        self._loaded_paths = (before, after)
        self._generation += 1
        generation = self._generation
        self.compare.set_images(None, None)
        self.compare.set_message(self.tr("Loading…"))
        edge = round(PREVIEW_EDGE * min(2.0, self.devicePixelRatioF()))

        def load() -> tuple[QImage, QImage | None]:
            photo = load_image(before, edge)
            if photo.isNull() and before != job.source_path:  # the upload copy was tidied away
                photo = load_image(job.source_path, edge)
            return photo, (load_image(after, edge) if after else None)

        def loaded(images: tuple[QImage, QImage | None]) -> None:
            if generation == self._generation:
                self.compare.set_images(*images)

        run_for(self, self._pool, load, on_done=loaded,
                 on_error=lambda _e: self.compare.set_message(self.tr("The pictures could not "
                                                                      "be loaded.")))
