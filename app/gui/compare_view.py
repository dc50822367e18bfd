"""Before and after: the photo and its result, a slider to wipe between them, or side by side."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.gui import theme


class Layout(StrEnum):
    SLIDER = "slider"
    SIDE_BY_SIDE = "side-by-side"


class CompareView(QWidget):
    position_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Before and after"))
        self.setAccessibleDescription(self.tr(
            "Drag, or use the left and right arrow keys, to compare the photo with the result."))
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # Small enough for the detail view to fit a 1024x640 screen beside the gallery; the
        # view takes whatever room the window has beyond that.
        self.setMinimumSize(200, 140)
        self.setCursor(Qt.CursorShape.SplitHCursor)
        self._before: QPixmap | None = None
        self._after: QPixmap | None = None
        self._position = 0.5
        self._layout = Layout.SLIDER
        self._message = ""
        self._frame = QRectF()  # where the pictures were last painted

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    # -- content ---------------------------------------------------------------------------------

    def set_images(self, before: QImage | None, after: QImage | None) -> None:
        dpr = self.devicePixelRatioF()
        self._before = self._pixmap(before, dpr)
        self._after = self._pixmap(after, dpr)
        self.update()

    @staticmethod
    def _pixmap(image: QImage | None, dpr: float) -> QPixmap | None:
        if image is None or image.isNull():
            return None
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(dpr)
        return pixmap

    def set_message(self, text: str) -> None:
        self._message = text
        self.update()

    def set_layout(self, layout: Layout) -> None:
        self._layout = layout
        self.setCursor(Qt.CursorShape.SplitHCursor if layout is Layout.SLIDER
                       else Qt.CursorShape.ArrowCursor)
        self.update()

    @property
    def position(self) -> float:
        return self._position

    def set_position(self, value: float) -> None:
        value = min(1.0, max(0.0, value))
        if value != self._position:
            self._position = value
            self.position_changed.emit(value)
            self.update()

    # -- input -----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._drag(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if event.buttons() & Qt.MouseButton.LeftButton:
            self._drag(event)

    def _drag(self, event: QMouseEvent) -> None:
        if self._layout is not Layout.SLIDER:
            return
        frame = self._frame if self._frame.width() > 0 else QRectF(self.rect())
        self.set_position((event.position().x() - frame.left()) / frame.width())

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Left:
            self.set_position(self._position - 0.05)
        elif event.key() == Qt.Key.Key_Right:
            self.set_position(self._position + 0.05)
        else:
            super().keyPressEvent(event)

    # -- painting --------------------------------------------------------------------------------

    @staticmethod
    def _fit(pixmap: QPixmap, area: QRectF) -> QRectF:
        size = pixmap.deviceIndependentSize()
        scale = min(area.width() / size.width(), area.height() / size.height())
        w, h = size.width() * scale, size.height() * scale
        return QRectF(area.center().x() - w / 2, area.center().y() - h / 2, w, h)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        palette = self.palette()
        area = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        frame = QPainterPath()
        frame.addRoundedRect(area, 10, 10)
        painter.fillPath(frame, theme.mix(palette.color(QPalette.ColorRole.Window),
                                          palette.color(QPalette.ColorRole.WindowText), 0.06))
        painter.setClipPath(frame)
        if self._before is None and self._after is None:
            painter.setPen(theme.secondary_text(palette))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._message or self.tr("Loading…"))
            return
        inner = area.adjusted(10, 10, -10, -10)
        if self._layout is Layout.SIDE_BY_SIDE:
            half = (inner.width() - 10) / 2
            left = QRectF(inner.left(), inner.top(), half, inner.height())
            right = QRectF(inner.left() + half + 10, inner.top(), half, inner.height())
            self._draw(painter, self._before, left, self.tr("Before"))
            self._draw(painter, self._after, right, self.tr("After"))
            return
        # Both pictures in one frame (the result's shape), so the wipe lines up.
        frame_of = self._after or self._before
        assert frame_of is not None
        target = self._fit(frame_of, inner)
        self._frame = target
        cut = target.left() + target.width() * self._position
        painter.save()
        painter.setClipRect(QRectF(area.left(), area.top(), cut - area.left(), area.height()))
        painter.fillRect(target, theme.mix(palette.color(QPalette.ColorRole.Window),
                                           palette.color(QPalette.ColorRole.WindowText), 0.14))
        self._draw(painter, self._before, target, self.tr("Before"), label_right=False)
        painter.restore()
        painter.save()
        painter.setClipRect(QRectF(cut, area.top(), area.right() - cut, area.height()))
        self._draw(painter, self._after, target, self.tr("After"), label_right=True)
        painter.restore()
        self._handle(painter, cut, target)

    def _draw(self, painter: QPainter, pixmap: QPixmap | None, area: QRectF, label: str,
              label_right: bool = False) -> None:
        if pixmap is None:
            painter.setPen(theme.secondary_text(self.palette()))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.tr("Not made yet") if label == self.tr("After")
                             else self.tr("Photo not available"))
        else:
            target = self._fit(pixmap, area)
            painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
        font = theme.scaled_font(self.font(), 0.85, bold=True)
        metrics = QFontMetrics(font)
        width = metrics.horizontalAdvance(label) + 16
        x = area.right() - width - 8 if label_right else area.left() + 8
        pill_rect = QRectF(x, area.top() + 8, width, metrics.height() + 4)
        path = QPainterPath()
        path.addRoundedRect(pill_rect, pill_rect.height() / 2, pill_rect.height() / 2)
        painter.fillPath(path, QColor(0, 0, 0, 150))
        painter.setFont(font)
        painter.setPen(QColor("white"))
        painter.drawText(pill_rect, Qt.AlignmentFlag.AlignCenter, label)

    def _handle(self, painter: QPainter, x: float, area: QRectF) -> None:
        painter.setPen(QPen(QColor("white"), 2.0))
        painter.drawLine(QPointF(x, area.top()), QPointF(x, area.bottom()))
        knob = QRectF(x - 14, area.center().y() - 14, 28, 28)
        painter.setBrush(QColor("white"))
        painter.setPen(QPen(QColor(0, 0, 0, 70), 1.0))
        painter.drawEllipse(knob)
        painter.setPen(QPen(QColor(60, 60, 60), 2.0))
        cy = knob.center().y()
        for sign in (-1, 1):
            tip = knob.center().x() + sign * 8
            base = knob.center().x() + sign * 3
            painter.drawLine(QPointF(base, cy - 5), QPointF(tip, cy))
            painter.drawLine(QPointF(tip, cy), QPointF(base, cy + 5))
