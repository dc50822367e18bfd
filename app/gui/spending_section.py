"""Settings' spending part: the monthly budget, what each day of this month cost, and how much
room the app's own copies take. The figures are read off the GUI thread."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QSizePolicy, QWidget

from app.core.usage import UsageTotals
from app.gui.pools import Pools, run_for


@dataclass(frozen=True)
class SpendingFigures:
    days: list[tuple[date, UsageTotals]]
    data_bytes: int


def human_size(count: int) -> str:
    size = float(count)
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1000 or unit == "GB":
            return f"{size:.0f} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1000
    return f"{size:.1f} GB"


def budget_box(parent: QWidget, value: float | None) -> QDoubleSpinBox:
    box = QDoubleSpinBox(parent)
    box.setPrefix("$")
    box.setDecimals(2)
    box.setRange(0.0, 1_000_000.0)
    box.setSingleStep(5.0)
    box.setValue(value or 0.0)
    box.setSpecialValueText(parent.tr("No budget"))  # shown at $0.00
    box.setAccessibleName(parent.tr("Monthly budget"))
    box.setToolTip(parent.tr("Live photos that would take this month's spend past the budget "
                             "are not sent: they wait, and the window says so."))
    return box


class SpendingReport(QLabel):
    """"This month: $1.23 of $20.00 · 3 Nov $0.45 (12 images) · ... · data folder 120 MB"."""

    def __init__(self, parent: QWidget, pools: Pools,
                 figures: Callable[[], SpendingFigures] | None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setObjectName("spendingReport")
        # The whole field width: a form keeps a label at its hint, which wraps it early.
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        if figures is None:
            self.setText(self.tr("Spending shows once the job history is open."))
            return
        self.setText(self.tr("Reading this month's spending…"))
        run_for(self, pools.io, figures, on_done=self._show,
                on_error=lambda e: self.setText(self.tr("Spending could not be read: %1")
                                                .replace("%1", str(e))))

    def _show(self, figures: SpendingFigures) -> None:
        lines = []
        total = sum(totals.cost_usd for _, totals in figures.days)
        lines.append(self.tr("This month: $%1").replace("%1", f"{total:.2f}"))
        for day, totals in figures.days:
            images = (self.tr("1 image") if totals.images == 1 else
                      self.tr("%1 images").replace("%1", str(totals.images)))
            lines.append(f"{day.day} {day.strftime('%b')}: ${totals.cost_usd:.2f} ({images})")
        lines.append(self.tr("The app's copies of photos and results use %1.")
                     .replace("%1", human_size(figures.data_bytes)))
        self.setText("\n".join(lines))
