"""One place for the look: sizes, the status badge accents, colours derived from the palette.

Everything but the badge accents comes from the system palette, so the app follows the light
or dark theme the user chose.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QSize
from PySide6.QtGui import QColor, QFont, QPalette
from PySide6.QtWidgets import QApplication, QPushButton, QWidget

from app.core.job import JobStatus

TILE = QSize(212, 268)  # one gallery tile, logical pixels
TILE_MARGIN = 6  # space inside the tile's cell around the card
CARD_PADDING = 8
CARD_RADIUS = 10.0
SPACING = 12  # between blocks of the window

_ACCENTS = {
    JobStatus.QUEUED: "#8a8f98",
    JobStatus.PROCESSING: "#2f7de1",
    JobStatus.COMPLETED: "#2e9d57",
    JobStatus.FAILED: "#d64545",
    JobStatus.CANCELLED: "#b7791f",
}
DEMO_ACCENT = "#7b5cd6"
WARNING_ACCENT = "#c77c11"
INFO_ACCENT = "#2f7de1"
ERROR_ACCENT = "#d64545"
SUCCESS_ACCENT = "#2e9d57"


def accent(status: JobStatus) -> QColor:
    return QColor(_ACCENTS[status])


def status_text(status: JobStatus) -> str:
    tr = QCoreApplication.translate
    return {
        JobStatus.QUEUED: tr("Status", "Queued"),
        JobStatus.PROCESSING: tr("Status", "Processing"),
        JobStatus.COMPLETED: tr("Status", "Completed"),
        JobStatus.FAILED: tr("Status", "Failed"),
        JobStatus.CANCELLED: tr("Status", "Cancelled"),
    }[status]


def is_dark(palette: QPalette | None = None) -> bool:
    palette = palette or QApplication.palette()
    return palette.color(QPalette.ColorRole.Window).lightnessF() < 0.5


def mix(a: QColor, b: QColor, amount: float) -> QColor:
    """``a`` moved ``amount`` (0..1) of the way towards ``b``."""
    return QColor.fromRgbF(
        a.redF() + (b.redF() - a.redF()) * amount,
        a.greenF() + (b.greenF() - a.greenF()) * amount,
        a.blueF() + (b.blueF() - a.blueF()) * amount,
        1.0,
    )


def tinted(base: QColor, tint: QColor, palette: QPalette | None = None) -> QColor:
    """A quiet background of ``tint`` over ``base`` that reads well in light and dark themes."""
    return mix(base, tint, 0.22 if is_dark(palette) else 0.12)


def secondary_text(palette: QPalette) -> QColor:
    text = palette.color(QPalette.ColorRole.WindowText)
    window = palette.color(QPalette.ColorRole.Window)
    return mix(text, window, 0.38)


def scaled_font(base: QFont, factor: float, bold: bool = False) -> QFont:
    font = QFont(base)
    size = base.pointSizeF()
    if size > 0:
        font.setPointSizeF(size * factor)
    else:
        font.setPixelSize(max(8, round(base.pixelSize() * factor)))
    font.setBold(bold)
    return font


class _PaletteFollower(QObject):
    """Re-applies a widget's own colours when the application palette changes (the user
    switched between light and dark while the app runs)."""

    def __init__(self, widget: QWidget, apply: Callable[[QWidget], None]) -> None:
        super().__init__(widget)
        self._apply = apply
        widget.installEventFilter(self)
        apply(widget)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationPaletteChange and isinstance(watched, QWidget):
            self._apply(watched)
        return False


def primary(button: QPushButton) -> None:
    """The one main action, in the palette's accent colour (light and dark alike)."""
    def apply(widget: QWidget) -> None:
        palette = QApplication.palette(widget)
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive):
            palette.setColor(group, QPalette.ColorRole.Button,
                             palette.color(group, QPalette.ColorRole.Highlight))
            palette.setColor(group, QPalette.ColorRole.ButtonText,
                             palette.color(group, QPalette.ColorRole.HighlightedText))
        widget.setPalette(palette)

    _PaletteFollower(button, apply)
