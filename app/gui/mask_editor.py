"""The touch-up brush: the photo with its cut-out mask, painted on with Erase and Restore.

The mask is a ``Format_Grayscale8`` QImage at the photo's resolution (255 is the product);
strokes go straight onto it, anti-aliased, with round caps. On screen what the cut-out takes
away is dimmed (or, with ``show_result``, the product alone is on a checkerboard). Smooth with
12 MP on two cores: ``Picture`` (made on a worker thread) holds the photo and mask halved again
and again, a paint draws from the smallest that still has a pixel per screen pixel, and only
the rectangle a stroke touched is refreshed. Each stroke is one step on a ``QUndoStack``
holding only the rectangle it changed, before and after.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF, QSize, QSizeF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPalette, QPen, QUndoCommand, QUndoStack
from PySide6.QtWidgets import QSizePolicy, QWidget

if TYPE_CHECKING:
    from PySide6.QtCore import QEvent
    from PySide6.QtGui import QKeyEvent, QMouseEvent, QPaintEvent, QResizeEvent, QWheelEvent

SMALLEST_LEVEL = 768   # halve the photo for the screen until its long side is below this
TINT = QColor(18, 24, 48, 170)  # dims what the cut-out takes away
UNDO_STEPS = 40        # strokes kept; each keeps only the rectangle it changed
MIN_ZOOM, MAX_ZOOM = 0.02, 16.0
_GREY = QImage.Format.Format_Grayscale8


class Brush(Enum):
    ERASE = 0      # paints 0: not the product
    RESTORE = 255  # paints 255: the product


def halve(image: QImage) -> QImage:
    """``image`` at exactly half its size (an odd last row or column dropped)."""
    width, height = max(1, image.width() // 2), max(1, image.height() // 2)
    even = image.copy(0, 0, min(image.width(), width * 2), min(image.height(), height * 2))
    smaller = even.scaled(width, height, Qt.AspectRatioMode.IgnoreAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    return smaller.convertToFormat(image.format())


def _blit(target: QImage, at: QPoint, piece: QImage) -> None:
    painter = QPainter(target)
    painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
    painter.drawImage(at, piece)
    painter.end()


@dataclass(frozen=True)
class Picture:
    """The photo and its mask, each halved again and again for the screen; ``masks[0]`` is
    the full-size mask that is edited."""

    photos: list[QImage]
    masks: list[QImage]

    @property
    def size(self) -> QSize:
        return self.photos[0].size()

    @classmethod
    def of(cls, photo: QImage, mask: QImage) -> Picture:
        """Any thread: ``photo`` and its ``mask`` (``Format_Grayscale8``, the same size)."""
        photos, masks = [photo], [mask.convertToFormat(_GREY)]
        while max(photos[-1].width(), photos[-1].height()) > SMALLEST_LEVEL:
            photos.append(halve(photos[-1].convertToFormat(QImage.Format.Format_RGB32)))
            masks.append(halve(masks[-1]))
        return cls(photos, masks)


class _MaskChange(QUndoCommand):
    """One stroke (or a reset): the rectangle it changed, before and after."""

    def __init__(self, editor: MaskEditor, rect: QRect, before: QImage, after: QImage,
                 text: str) -> None:
        super().__init__(text)
        self._editor, self._rect, self._before, self._after = editor, rect, before, after
        self._applied = True  # pushed once already on the mask

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self._editor.put(self._rect, self._after)

    def undo(self) -> None:
        self._editor.put(self._rect, self._before)


class MaskEditor(QWidget):
    mask_edited = Signal()          # a stroke, an undo or a redo changed the mask
    zoom_changed = Signal(float)    # screen pixels per photo pixel

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Cut-out mask"))
        self.setAccessibleDescription(self.tr(
            "Paint to erase or restore parts of the cut-out. The wheel zooms; drag with the "
            "right or middle button, or with Space held, to move the photo."))
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(240, 180)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.undo_stack = QUndoStack(self)
        self.undo_stack.setUndoLimit(UNDO_STEPS)
        self.undo_stack.indexChanged.connect(self._index_changed)
        self._picture: Picture | None = None
        self.brush = Brush.ERASE
        self._brush_size = 40.0  # screen pixels across
        self._show_result = False
        self._zoom, self._origin, self._fit = 1.0, QPointF(), True
        self._hover: QPointF | None = None
        self._stroke: tuple[QImage, QPointF, QRect] | None = None  # before, last point, rect
        self._pan: QPointF | None = None
        self._space = False
        self._message = ""
        tile = QImage(2, 2, QImage.Format.Format_RGB32)
        tile.fill(QColor(255, 255, 255))
        tile.setPixelColor(0, 1, QColor(204, 204, 204))
        tile.setPixelColor(1, 0, QColor(204, 204, 204))
        self._checker = QBrush(tile.scaled(16, 16))  # 8 px squares

    def sizeHint(self) -> QSize:
        return QSize(800, 560)

    def _index_changed(self, _index: int) -> None:
        if shiboken6.isValid(self):  # the stack is cleared as the editor goes
            self.mask_edited.emit()

    # -- content ---------------------------------------------------------------------------------

    def set_picture(self, picture: Picture | None) -> None:
        self._picture, self._stroke = picture, None
        self.undo_stack.clear()
        self.zoom_to_fit()

    def set_message(self, text: str) -> None:
        """Shown instead of a photo (while loading, or why there is none)."""
        self._message = text
        self.update()

    def has_picture(self) -> bool:
        return self._picture is not None

    def edited_mask(self) -> QImage:
        """The mask as edited (a copy sharing its data until either is painted on)."""
        return QImage(self._picture.masks[0]) if self._picture else QImage()

    def replace_mask(self, mask: QImage, text: str) -> None:
        """The whole mask replaced, as one undoable step."""
        if self._picture is None:
            return
        current = self._picture.masks[0]
        mask = mask.scaled(current.size()).convertToFormat(_GREY)  # as it is, at the same size
        if mask != current:
            before = current.copy()
            self.put(current.rect(), mask)
            self.undo_stack.push(_MaskChange(self, current.rect(), before, mask, text))

    def put(self, rect: QRect, piece: QImage) -> None:
        """``piece`` written over the mask at ``rect`` (by undo and redo)."""
        if self._picture is None:
            return
        _blit(self._picture.masks[0], rect.topLeft(), piece)
        self._changed(rect)

    def _changed(self, rect: QRect) -> None:
        """Bring the smaller masks up to date within ``rect`` (photo pixels) and repaint it."""
        assert self._picture is not None
        masks = self._picture.masks
        area = rect
        for level in range(1, len(masks)):
            bigger, smaller = masks[level - 1], masks[level]
            left, top = area.left() // 2 * 2, area.top() // 2 * 2
            right = min(smaller.width() * 2, (area.right() + 2) // 2 * 2)
            bottom = min(smaller.height() * 2, (area.bottom() + 2) // 2 * 2)
            if right <= left or bottom <= top:
                break
            area = QRect(left // 2, top // 2, (right - left) // 2, (bottom - top) // 2)
            _blit(smaller, area.topLeft(), halve(bigger.copy(left, top, right - left,
                                                             bottom - top)))
        self.update(self.widget_rect(QRectF(rect)).toAlignedRect().adjusted(-2, -2, 2, 2))

    # -- brush -----------------------------------------------------------------------------------

    @property
    def brush_size(self) -> float:
        return self._brush_size

    def set_brush_size(self, size: float) -> None:
        """The brush's width on screen: zoom in for finer work."""
        self._update_cursor()
        self._brush_size = max(1.0, size)
        self._update_cursor()

    def set_show_result(self, show: bool) -> None:
        """The product alone on a checkerboard, rather than the photo with a tint."""
        self._show_result = show
        self.update()

    def _paint_to(self, point: QPointF) -> None:
        assert self._picture is not None and self._stroke is not None
        before, last, rect = self._stroke
        width = max(1.0, self._brush_size / self._zoom)
        painter = QPainter(self._picture.masks[0])
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        grey = self.brush.value
        painter.setPen(QPen(QColor(grey, grey, grey), width, Qt.PenStyle.SolidLine,
                            Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin))
        if point == last:
            painter.drawPoint(point)
        else:
            painter.drawLine(last, point)
        painter.end()
        reach = width / 2 + 2
        touched = (QRectF(last, point).normalized().adjusted(-reach, -reach, reach, reach)
                   .toAlignedRect().intersected(self._picture.masks[0].rect()))
        self._stroke = (before, point, rect.united(touched))
        if not touched.isEmpty():
            self._changed(touched)

    def _end_stroke(self) -> None:
        if self._stroke is None or self._picture is None:
            return
        before, _last, rect = self._stroke
        self._stroke = None
        if rect.isEmpty():
            return
        text = self.tr("Erase") if self.brush is Brush.ERASE else self.tr("Restore")
        self.undo_stack.push(_MaskChange(self, rect, before.copy(rect),
                                         self._picture.masks[0].copy(rect), text))

    # -- view ------------------------------------------------------------------------------------

    @property
    def zoom(self) -> float:
        return self._zoom

    def zoom_to_fit(self) -> None:
        self._fit = True
        if self._picture is not None:
            size = QSizeF(self._picture.size)
            room = QRectF(self.rect()).adjusted(8, 8, -8, -8)
            self._set_zoom(min(room.width() / size.width(), room.height() / size.height()))
            self._keep_in_view()  # centred
        self.update()

    def zoom_by(self, factor: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the photo's pixel under ``anchor`` (default: the centre) in place."""
        if self._picture is None:
            return
        anchor = QPointF(self.rect().center()) if anchor is None else anchor
        fixed = self.to_image(anchor)
        self._fit = False
        self._set_zoom(self._zoom * factor)
        self._origin = anchor - fixed * self._zoom
        self._keep_in_view()
        self.update()

    def _set_zoom(self, zoom: float) -> None:
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        if zoom != self._zoom:
            self._zoom = zoom
            self.zoom_changed.emit(zoom)

    def _keep_in_view(self) -> None:
        """No room wasted beside a photo larger than the view; a smaller one is centred."""
        assert self._picture is not None
        shown = QSizeF(self._picture.size) * self._zoom
        x, y = self._origin.x(), self._origin.y()
        x = ((self.width() - shown.width()) / 2 if shown.width() <= self.width()
             else min(0.0, max(self.width() - shown.width(), x)))
        y = ((self.height() - shown.height()) / 2 if shown.height() <= self.height()
             else min(0.0, max(self.height() - shown.height(), y)))
        self._origin = QPointF(x, y)

    def to_image(self, point: QPointF) -> QPointF:
        """A point on the widget in photo pixels."""
        return (point - self._origin) / self._zoom

    def widget_rect(self, rect: QRectF) -> QRectF:
        """A rectangle in photo pixels on the widget."""
        return QRectF(self._origin + rect.topLeft() * self._zoom, rect.size() * self._zoom)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self._fit:
            self.zoom_to_fit()
        elif self._picture is not None:
            self._keep_in_view()

    # -- painting --------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        exposed = QRectF(event.rect())
        painter.fillRect(exposed, self.palette().color(QPalette.ColorRole.Mid))
        if self._picture is None:
            painter.setPen(self.palette().color(QPalette.ColorRole.WindowText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter
                             | Qt.TextFlag.TextWordWrap, self._message)
            return
        device = self._zoom * self.devicePixelRatioF()
        level = max(0, min(len(self._picture.photos) - 1,
                           math.floor(math.log2(1 / device)) if device < 1 else 0))
        photo, mask = self._picture.photos[level], self._picture.masks[level]
        scale = 0.5 ** level  # level pixels per photo pixel
        target = exposed.intersected(self.widget_rect(QRectF(QPointF(), QSizeF(
            self._picture.size))))
        if not target.isEmpty():
            wanted = QRectF(self.to_image(target.topLeft()) * scale,
                            target.size() / self._zoom * scale)
            source = wanted.toAlignedRect().adjusted(-1, -1, 1, 1).intersected(photo.rect())
            shown = self.widget_rect(QRectF(QPointF(source.topLeft()) / scale,
                                            QSizeF(source.size()) / scale))
            painter.save()
            painter.setClipRect(target)
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform,
                                  self._zoom / scale < 2)
            alpha = mask.copy(source)
            if self._show_result:
                painter.setBrushOrigin(self._origin.toPoint())
                painter.fillRect(target, self._checker)
                piece = photo.copy(source).convertToFormat(
                    QImage.Format.Format_ARGB32_Premultiplied)
            else:
                painter.drawImage(shown, photo, QRectF(source))
                alpha.invertPixels()
                piece = QImage(source.size(), QImage.Format.Format_ARGB32_Premultiplied)
                piece.fill(TINT)
            alpha.reinterpretAsFormat(QImage.Format.Format_Alpha8)
            keep = QPainter(piece)
            keep.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationIn)
            keep.drawImage(0, 0, alpha)
            keep.end()
            painter.drawImage(shown, piece)
            painter.restore()
        if self._hover is not None and self._pan is None and self.isEnabled():
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for colour, radius in ((QColor(0, 0, 0, 160), self._brush_size / 2 + 1),
                                   (QColor(255, 255, 255), self._brush_size / 2)):
                painter.setPen(QPen(colour, 1.0))
                painter.drawEllipse(self._hover, radius, radius)

    def _update_cursor(self) -> None:
        if self._hover is not None:
            reach = self._brush_size / 2 + 3
            self.update(QRectF(self._hover - QPointF(reach, reach),
                               self._hover + QPointF(reach, reach)).toAlignedRect())

    # -- input -----------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._picture is None:
            return
        pos = event.position()
        button = event.button()
        if button in (Qt.MouseButton.RightButton, Qt.MouseButton.MiddleButton) or (
                button == Qt.MouseButton.LeftButton and self._space):
            self._pan = pos
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            self._update_cursor()
        elif button == Qt.MouseButton.LeftButton and self._stroke is None:
            point = self.to_image(pos)
            # Shares the mask's data: the first dab copies it, leaving this as it was.
            self._stroke = (QImage(self._picture.masks[0]), point, QRect())
            self._paint_to(point)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        pos = event.position()
        self._update_cursor()
        self._hover = pos
        if self._pan is not None and self._picture is not None:
            self._fit = False
            self._origin += pos - self._pan
            self._pan = pos
            self._keep_in_view()
            self.update()
        elif self._stroke is not None:
            self._paint_to(self.to_image(pos))
        self._update_cursor()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan is not None:
            self._pan = None
            self.setCursor(Qt.CursorShape.OpenHandCursor if self._space
                           else Qt.CursorShape.CrossCursor)
        elif event.button() == Qt.MouseButton.LeftButton:
            self._end_stroke()
        self._update_cursor()

    def leaveEvent(self, event: QEvent) -> None:
        self._update_cursor()
        self._hover = None

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.zoom_by(1.25 ** steps, event.position())
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self._space_key(event, True):
            super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if not self._space_key(event, False):
            super().keyReleaseEvent(event)

    def _space_key(self, event: QKeyEvent, down: bool) -> bool:
        """Space held: the left button moves the photo."""
        if event.key() != Qt.Key.Key_Space or event.isAutoRepeat():
            return False
        self._space = down
        if self._pan is None:
            self.setCursor(Qt.CursorShape.OpenHandCursor if down else Qt.CursorShape.CrossCursor)
        return True
