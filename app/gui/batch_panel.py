"""The current batch: "N of M done, about X left", a thin progress bar and the queue controls."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from app.core.batch import BatchProgress


def duration_text(seconds: float, tr: Callable[[str], str]) -> str:
    if seconds < 60:
        return tr("less than a minute")
    minutes = round(seconds / 60)
    if minutes < 60:
        return tr("1 minute") if minutes == 1 else tr("%1 minutes").replace("%1", str(minutes))
    hours, minutes = divmod(minutes, 60)
    return tr("%1 h %2 min").replace("%1", str(hours)).replace("%2", str(minutes))


def progress_text(batch: BatchProgress, tr: Callable[[str], str],
                  price_per_image: float | None = None, paused: bool = False,
                  paid_remaining: int | None = None, waiting: int = 0) -> str:
    """``price_per_image`` in live mode (None in demo mode): the rest of the batch's cost, for
    ``paid_remaining`` of the jobs left (default all; free local cut-outs are not counted).
    While paused nothing moves, so no time is guessed: the line says "paused" instead, or,
    when all that is left waits for the user's yes to its cost, how many wait for Start."""
    text = tr("%1 of %2 done").replace("%1", str(batch.done)).replace("%2", str(batch.total))
    left = batch.seconds_left()
    if waiting and batch.remaining:
        text += tr(" · %1 waiting for Start").replace("%1", str(waiting))
    elif paused and batch.remaining:
        text += tr(" · paused")
    elif left is not None and batch.remaining:
        text += (tr(", less than a minute left") if left < 60 else
                 tr(", about %1 left").replace("%1", duration_text(left, tr)))
    paid = batch.remaining if paid_remaining is None else paid_remaining
    if price_per_image is not None and paid:
        cost = f"{price_per_image * paid:.2f}"
        text += tr(" · about $%1 to go").replace("%1", cost)
    if batch.failed:
        text += tr(" · %1 failed").replace("%1", str(batch.failed))
    return text


class BatchPanel(QWidget):
    pause_clicked = Signal()
    resume_clicked = Signal()
    cancel_all_clicked = Signal()
    retry_failed_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        column = QVBoxLayout()
        column.setSpacing(3)
        self.label = QLabel(self.tr("Nothing to do"), self)
        self.label.setAccessibleName(self.tr("Batch progress"))
        self.bar = QProgressBar(self)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(6)
        self.bar.setMinimumWidth(220)
        self.bar.setAccessibleName(self.tr("Batch progress bar"))
        column.addWidget(self.label)
        column.addWidget(self.bar)
        row.addLayout(column)

        self.pause_button = QPushButton(self.tr("Pause"), self)
        self.pause_button.setAccessibleName(self.tr("Pause the queue"))
        self.pause_button.clicked.connect(self._toggle)
        self.cancel_button = QPushButton(self.tr("Cancel all"), self)
        self.cancel_button.setAccessibleName(self.tr("Cancel all queued photos"))
        self.cancel_button.clicked.connect(self.cancel_all_clicked.emit)
        self.retry_button = QPushButton(self.tr("Retry failed"), self)
        self.retry_button.setAccessibleName(self.tr("Retry failed photos"))
        self.retry_button.clicked.connect(self.retry_failed_clicked.emit)
        for button in (self.pause_button, self.cancel_button, self.retry_button):
            row.addWidget(button)
        self._paused = False

    def _toggle(self) -> None:
        if self._paused:
            self.resume_clicked.emit()
        else:
            self.pause_clicked.emit()

    def update_state(self, batch: BatchProgress, *, paused: bool, busy: bool, failed: int,
                     held: bool = False, price_per_image: float | None = None,
                     paid_remaining: int | None = None, retryable: int | None = None,
                     waiting: int = 0) -> None:
        """``retryable``: the failed photos worth another try (not those that can never
        work); the button says how many and is off when there are none. ``waiting``: all
        that is left waits for a yes to its cost; the button starts it (asking first)."""
        self._paused = paused or waiting > 0
        if batch.total:
            self.label.setText(progress_text(batch, self.tr, price_per_image, paused,
                                            paid_remaining, waiting))
            self.bar.setRange(0, batch.total)
            self.bar.setValue(batch.done)
            self.bar.setVisible(True)
        else:
            self.label.setText(self.tr("Paused") if paused and busy else self.tr("All done")
                               if failed == 0 else self.tr("All done · %1 failed").replace(
                                   "%1", str(failed)))
            self.bar.setVisible(False)
        if held:
            self.label.setText(self.tr("Waiting for the other ProductSnap to finish"))
        if waiting:
            self.pause_button.setText(self.tr("Start…"))
            self.pause_button.setAccessibleName(self.tr("Start the photos waiting for your OK"))
        else:
            self.pause_button.setText(self.tr("Resume") if paused else self.tr("Pause"))
            self.pause_button.setAccessibleName(self.tr("Resume the queue") if paused
                                                else self.tr("Pause the queue"))
        self.pause_button.setEnabled((busy or self._paused) and not held)
        self.cancel_button.setEnabled(busy)
        retry = failed if retryable is None else retryable
        self.retry_button.setEnabled(retry > 0)
        self.retry_button.setText(self.tr("Retry %1 failed").replace("%1", str(retry))
                                  if retry > 1 else self.tr("Retry failed"))
