"""The status bar: mode ("Demo", or "Live · model · size" once the live model is chosen),
queue counts and this month's spend."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QHBoxLayout, QLabel, QStatusBar, QWidget

from app.core.config import AUTOMATIC_MODEL, Config, Mode
from app.core.job import JobStatus
from app.core.usage import UsageTotals
from app.gui import theme
from app.services.model_catalog import ModelChoice


class _Dot(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.colour = QColor(theme.DEMO_ACCENT)
        self.setFixedSize(10, 10)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(self.colour)
        painter.drawEllipse(1, 1, 8, 8)


class StatusBar(QStatusBar):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setSizeGripEnabled(True)
        mode_box = QWidget(self)
        row = QHBoxLayout(mode_box)
        row.setContentsMargins(6, 0, 6, 0)
        row.setSpacing(6)
        self._dot = _Dot(mode_box)
        self.mode_label = QLabel(mode_box)
        self.mode_label.setAccessibleName(self.tr("Mode"))
        row.addWidget(self._dot)
        row.addWidget(self.mode_label)
        self.counts_label = QLabel(self)
        self.counts_label.setAccessibleName(self.tr("Queue"))
        self.spend_label = QLabel(self)
        self.spend_label.setAccessibleName(self.tr("Spend this month"))
        for label in (self.counts_label, self.spend_label):
            label.setContentsMargins(10, 0, 10, 0)
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # follows the theme
        self.addWidget(mode_box)
        self.addPermanentWidget(self.counts_label)
        self.addPermanentWidget(self.spend_label)
        self.spend_label.setText(self.tr("This month: …"))

    def set_mode(self, config: Config, choice: ModelChoice | None = None) -> None:
        """``choice``: the live model in use, once chosen. Before that a model named in the
        settings is shown as named, "automatic" as such."""
        if config.mode is Mode.MOCK:
            self.mode_label.setText(self.tr("Demo"))
            self.mode_label.setToolTip(self.tr("Results are simulated offline and free."))
            self._dot.colour = QColor(theme.DEMO_ACCENT)
        else:
            tip = self.tr("Photos are sent to Gemini; each result costs money.")
            if choice is not None:
                text = self.tr("Live · %1 · %2").replace("%1", choice.model).replace(
                    "%2", choice.size)
                if choice.automatic:
                    tip += " " + self.tr("The model was chosen automatically.")
            elif config.model == AUTOMATIC_MODEL:
                text = self.tr("Live · automatic")
                tip += " " + self.tr("The model is chosen when Gemini is first asked.")
            else:
                text = self.tr("Live · %1 · %2").replace("%1", config.model).replace(
                    "%2", config.image_size)
            self.mode_label.setText(text)
            self.mode_label.setToolTip(tip)
            self._dot.colour = QColor(theme.SUCCESS_ACCENT)
        self._dot.update()

    def set_counts(self, counts: dict[JobStatus, int], paused: bool = False,
                   held: bool = False) -> None:
        parts = []
        if counts.get(JobStatus.QUEUED):
            parts.append(self.tr("%1 queued").replace("%1", str(counts[JobStatus.QUEUED])))
        if counts.get(JobStatus.PROCESSING):
            parts.append(self.tr("%1 in progress").replace(
                "%1", str(counts[JobStatus.PROCESSING])))
        parts.append(self.tr("%1 done").replace("%1", str(counts.get(JobStatus.COMPLETED, 0))))
        if counts.get(JobStatus.FAILED):
            parts.append(self.tr("%1 failed").replace("%1", str(counts[JobStatus.FAILED])))
        if held:
            parts.append(self.tr("queue held by another ProductSnap"))
        elif paused:
            parts.append(self.tr("paused"))
        self.counts_label.setText(" · ".join(parts))

    def set_spend(self, totals: UsageTotals | None, mode: Mode,
                  budget: float | None = None) -> None:
        """This month's spend, against the monthly budget when there is one."""
        if totals is None:
            self.spend_label.setText(self.tr("This month: …"))
            return
        text = self.tr("This month: $%1").replace("%1", f"{totals.cost_usd:.2f}")
        if budget:
            text += " " + self.tr("of $%1").replace("%1", f"{budget:.2f}")
        if totals.images:
            text += " " + (self.tr("(1 image)") if totals.images == 1 else
                           self.tr("(%1 images)").replace("%1", str(totals.images)))
        self.spend_label.setText(text)
        self.spend_label.setToolTip(self.tr("What live results finished this month cost. "
                                            "Demo results are free."))
