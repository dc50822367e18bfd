"""Taking photos in: what a drop or a paste carries, the empty window's big drop target, and the
highlight shown while something is dragged over the window."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, QRectF, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme


def local_paths(mime: QMimeData) -> list[str]:
    """The local files and folders a drop or paste carries, in order, without repeats."""
    paths: list[str] = []
    if mime.hasUrls():
        for url in mime.urls():
            if url.isLocalFile() and url.toLocalFile():
                path = str(Path(url.toLocalFile()))
                if path not in paths:
                    paths.append(path)
    return paths


def pasted_image(mime: QMimeData) -> QImage | None:
    """An image (not a file) on the clipboard, e.g. copied from a browser or a screenshot tool."""
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            return image
    return None


def can_take(mime: QMimeData) -> bool:
    return bool(local_paths(mime)) or mime.hasImage()


class EmptyState(QWidget):
    """The empty window: one large drop target that says what to do."""

    add_requested = Signal()
    samples_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("emptyState")
        self.setAccessibleName(self.tr("Drop photos here"))
        self._highlight = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(48, 40, 48, 40)
        outer.addStretch(2)

        self.title = QLabel(self.tr("Drop product photos here"), self)
        self.title.setFont(theme.scaled_font(self.font(), 1.9, bold=True))
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        outer.addWidget(self.title)

        self.subtitle = QLabel(self.tr(
            "Photos or whole folders, straight from your phone or camera. Each one comes back "
            "as a marketplace-ready product shot in the style you pick above."), self)
        self.subtitle.setWordWrap(True)
        self.subtitle.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.subtitle.setFont(theme.scaled_font(self.font(), 1.1))
        self.subtitle.setMaximumWidth(560)
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)
        self.subtitle.setSizePolicy(policy)
        self.subtitle.setMinimumWidth(min(560, self.subtitle.fontMetrics().averageCharWidth() * 60))
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.subtitle)
        row.addStretch(1)
        outer.addSpacing(8)
        outer.addLayout(row)
        outer.addSpacing(24)

        buttons = QHBoxLayout()
        buttons.setSpacing(12)
        buttons.addStretch(1)
        self.add_button = QPushButton(self.tr("Add photos…"), self)
        self.add_button.setDefault(True)
        self.add_button.setAccessibleName(self.tr("Add photos"))
        self.add_button.setMinimumHeight(36)
        self.add_button.clicked.connect(self.add_requested.emit)
        self.samples_button = QPushButton(self.tr("Try with sample photos"), self)
        self.samples_button.setAccessibleName(self.tr("Try with sample photos"))
        self.samples_button.setMinimumHeight(36)
        self.samples_button.clicked.connect(self.samples_requested.emit)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.samples_button)
        buttons.addStretch(1)
        outer.addLayout(buttons)

        outer.addSpacing(16)
        self.hint = QLabel(self.tr("You can also paste a picture with Ctrl+V."), self)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)  # follows the theme
        outer.addWidget(self.hint)
        outer.addStretch(3)

    def set_highlight(self, on: bool) -> None:
        if on != self._highlight:
            self._highlight = on
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(16, 16, -16, -16)
        path = QPainterPath()
        path.addRoundedRect(rect, 18, 18)
        base = palette.color(QPalette.ColorRole.Window)
        accent = palette.color(QPalette.ColorRole.Highlight)
        if self._highlight:
            painter.fillPath(path, theme.tinted(base, accent, palette))
            colour = accent
        else:
            painter.fillPath(path, theme.mix(base, palette.color(QPalette.ColorRole.Base), 0.6))
            colour = theme.mix(base, palette.color(QPalette.ColorRole.WindowText), 0.28)
        pen = QPen(colour, 2.0, Qt.PenStyle.DashLine)
        pen.setDashPattern([6, 4])
        painter.setPen(pen)
        painter.drawPath(path)


class DropOverlay(QWidget):
    """Covers the window while files are dragged over it: "Drop to add"."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.hide()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        accent = palette.color(QPalette.ColorRole.Highlight)
        veil = QColor(palette.color(QPalette.ColorRole.Window))
        veil.setAlphaF(0.82)
        painter.fillRect(self.rect(), veil)
        rect = QRectF(self.rect()).adjusted(20, 20, -20, -20)
        path = QPainterPath()
        path.addRoundedRect(rect, 18, 18)
        pen = QPen(accent, 3.0, Qt.PenStyle.DashLine)
        pen.setDashPattern([6, 4])
        painter.setPen(pen)
        painter.drawPath(path)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.setFont(theme.scaled_font(self.font(), 1.6, bold=True))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                         self.tr("Drop photos or folders to add them"))
