"""Paints one gallery tile: thumbnail, name, style, status badge, DEMO mark, a warning mark (a
small photo, say), the verdict for the chosen marketplace, progress animation.

Everything is drawn from the model's roles and the palette; no widget per tile.
"""

from __future__ import annotations

import time

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QPointF,
    QRect,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
    QPixmapCache,
)
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from app.core.job import JobStatus
from app.gui import theme
from app.gui.gallery_model import Role
from app.gui.theme import CARD_PADDING, CARD_RADIUS, TILE, TILE_MARGIN
from app.gui.verdict_mark import draw_mark

Index = QModelIndex | QPersistentModelIndex
ANIMATION_PERIOD_S = 1.4


def thumbnail_edge() -> int:
    """The thumbnail's square, logical pixels (what the loader is asked for)."""
    return TILE.width() - 2 * (TILE_MARGIN + CARD_PADDING)


def tile_rect(cell: QRect) -> QRect:
    """The tile, centred in its grid cell (cells widen to fill the gallery's width)."""
    width = min(cell.width(), TILE.width())
    return QRect(cell.left() + (cell.width() - width) // 2, cell.top(), width, cell.height())


def pill(painter: QPainter, rect: QRectF, fill: QColor, text: str, text_colour: QColor) -> None:
    path = QPainterPath()
    path.addRoundedRect(rect, rect.height() / 2, rect.height() / 2)
    painter.fillPath(path, fill)
    painter.setPen(text_colour)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


class TileDelegate(QStyledItemDelegate):
    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        return QSize(TILE)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        """Blit the tile from the pixmap cache; draw it there first when its state changed.

        One drawPixmap per tile keeps repaints cheap while worker threads compete for the GIL;
        only the moving progress bar of a tile being processed is drawn on every frame.
        """
        raw = index.data(Role.STATUS)
        if raw is None:
            return
        status = JobStatus(raw)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        hovered = bool(option.state & QStyle.StateFlag.State_MouseOver)
        thumbnail: QPixmap | None = index.data(Role.THUMBNAIL)
        device = painter.device()
        dpr = device.devicePixelRatioF() if device is not None else 1.0
        cell = tile_rect(option.rect)
        size = cell.size()
        key = "|".join((
            "tile", str(index.data(Role.JOB_ID)), raw, str(index.data(Role.SHORT_ERROR)),
            str(index.data(Role.IS_DEMO)), str(thumbnail.cacheKey() if thumbnail else 0),
            str(index.data(Role.WARNING)), str(index.data(Role.MARKET)),
            str(index.data(Role.UPSCALED)),
            str(int(selected)), str(int(hovered)), f"{size.width()}x{size.height()}@{dpr}",
            str(option.palette.cacheKey()), option.font.key()))
        tile = QPixmap()
        if not QPixmapCache.find(key, tile):
            tile = QPixmap(round(size.width() * dpr), round(size.height() * dpr))
            tile.setDevicePixelRatio(dpr)
            tile.fill(Qt.GlobalColor.transparent)
            local = QStyleOptionViewItem(option)
            local.rect = QRect(QPoint(0, 0), size)
            tile_painter = QPainter(tile)
            self._draw_tile(tile_painter, local, index, status, selected, hovered, thumbnail)
            tile_painter.end()
            QPixmapCache.insert(key, tile)
        painter.drawPixmap(cell.topLeft(), tile)
        if status is JobStatus.PROCESSING:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._progress(painter, self._thumb_rect(QRectF(cell)))
            painter.restore()

    @staticmethod
    def _thumb_rect(cell: QRectF) -> QRectF:
        card = cell.adjusted(TILE_MARGIN, TILE_MARGIN, -TILE_MARGIN, -TILE_MARGIN)
        edge = card.width() - 2 * CARD_PADDING
        return QRectF(card.left() + CARD_PADDING, card.top() + CARD_PADDING, edge, edge)

    def _draw_tile(self, painter: QPainter, option: QStyleOptionViewItem, index: Index,
                   status: JobStatus, selected: bool, hovered: bool,
                   thumbnail: QPixmap | None) -> None:
        palette: QPalette = option.palette
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        card = QRectF(option.rect.adjusted(TILE_MARGIN, TILE_MARGIN, -TILE_MARGIN, -TILE_MARGIN))
        self._card(painter, palette, card, selected, hovered)
        thumb = self._thumb_rect(QRectF(option.rect))
        self._thumbnail(painter, palette, thumb, thumbnail)
        if status is JobStatus.PROCESSING:
            painter.fillRect(thumb, QColor(0, 0, 0, 60))
        elif status in (JobStatus.QUEUED, JobStatus.CANCELLED):
            veil = QColor(palette.color(QPalette.ColorRole.Base))
            veil.setAlphaF(0.35)
            painter.fillRect(thumb, veil)
        if index.data(Role.IS_DEMO):
            self._demo_mark(painter, option, thumb)
        if index.data(Role.WARNING):
            self._warning_mark(painter, option, thumb)
        self._text(painter, option, index, card, thumb, status)

    # -- parts ---------------------------------------------------------------------------------

    def _card(self, painter: QPainter, palette: QPalette, card: QRectF, selected: bool,
              hovered: bool) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        highlight = palette.color(QPalette.ColorRole.Highlight)
        fill = theme.tinted(base, highlight, palette) if selected else base
        path = QPainterPath()
        path.addRoundedRect(card, CARD_RADIUS, CARD_RADIUS)
        painter.fillPath(path, fill)
        if selected:
            pen = QPen(highlight, 2.0)
        else:
            border = theme.mix(base, palette.color(QPalette.ColorRole.WindowText),
                               0.22 if hovered else 0.12)
            pen = QPen(border, 1.0)
        painter.setPen(pen)
        painter.drawPath(path)

    def _thumbnail(self, painter: QPainter, palette: QPalette, thumb: QRectF,
                   pixmap: QPixmap | None) -> None:
        clip = QPainterPath()
        clip.addRoundedRect(thumb, CARD_RADIUS - 4, CARD_RADIUS - 4)
        painter.save()
        painter.setClipPath(clip)
        window = palette.color(QPalette.ColorRole.Window)
        painter.fillRect(thumb, theme.mix(window, palette.color(QPalette.ColorRole.WindowText),
                                          0.05))
        if pixmap is not None and not pixmap.isNull():
            size = pixmap.deviceIndependentSize()
            scale = min(thumb.width() / size.width(), thumb.height() / size.height())
            w, h = size.width() * scale, size.height() * scale
            target = QRectF(thumb.center().x() - w / 2, thumb.center().y() - h / 2, w, h)
            painter.drawPixmap(target, pixmap, QRectF(pixmap.rect()))
        else:
            self._placeholder(painter, palette, thumb)
        painter.restore()

    def _placeholder(self, painter: QPainter, palette: QPalette, thumb: QRectF) -> None:
        """A quiet picture-frame glyph while the thumbnail loads."""
        colour = theme.mix(palette.color(QPalette.ColorRole.Window),
                           palette.color(QPalette.ColorRole.WindowText), 0.22)
        side = thumb.width() * 0.26
        frame = QRectF(thumb.center().x() - side / 2, thumb.center().y() - side * 0.4,
                       side, side * 0.8)
        painter.setPen(QPen(colour, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(frame, 4, 4)
        painter.drawEllipse(QPointF(frame.left() + side * 0.3, frame.top() + side * 0.25),
                            side * 0.08, side * 0.08)
        path = QPainterPath(QPointF(frame.left() + 3, frame.bottom() - 3))
        path.lineTo(frame.left() + side * 0.4, frame.top() + side * 0.42)
        path.lineTo(frame.left() + side * 0.62, frame.bottom() - side * 0.25)
        path.lineTo(frame.left() + side * 0.75, frame.top() + side * 0.5)
        path.lineTo(frame.right() - 3, frame.bottom() - 3)
        painter.drawPath(path)

    def _progress(self, painter: QPainter, thumb: QRectF) -> None:
        """An indeterminate bar along the thumbnail's foot, moving while the photo is made."""
        bar = QRectF(thumb.left() + 10, thumb.bottom() - 16, thumb.width() - 20, 6)
        track = QPainterPath()
        track.addRoundedRect(bar, 3, 3)
        painter.fillPath(track, QColor(255, 255, 255, 90))
        phase = (time.monotonic() % ANIMATION_PERIOD_S) / ANIMATION_PERIOD_S
        width = bar.width() * 0.35
        left = bar.left() - width + (bar.width() + width) * phase
        segment = QRectF(left, bar.top(), width, bar.height()).intersected(bar)
        if segment.width() > 0:
            gradient = QLinearGradient(segment.topLeft(), segment.topRight())
            accent = theme.accent(JobStatus.PROCESSING)
            gradient.setColorAt(0.0, accent.lighter(140))
            gradient.setColorAt(1.0, accent)
            moving = QPainterPath()
            moving.addRoundedRect(segment, 3, 3)
            painter.fillPath(moving, gradient)

    def _demo_mark(self, painter: QPainter, option: QStyleOptionViewItem, thumb: QRectF) -> None:
        font = theme.scaled_font(option.font, 0.78, bold=True)
        painter.setFont(font)
        text = self.tr("DEMO")
        width = QFontMetrics(font).horizontalAdvance(text) + 14
        rect = QRectF(thumb.left() + 4, thumb.top() + 4, width, QFontMetrics(font).height() + 4)
        pill(painter, rect, QColor(theme.DEMO_ACCENT), text, QColor("white"))

    def _warning_mark(self, painter: QPainter, option: QStyleOptionViewItem,
                      thumb: QRectF) -> None:
        """A round "!" in the thumbnail's top right corner; the tooltip and the detail view say
        what it is about."""
        font = theme.scaled_font(option.font, 0.9, bold=True)
        side = QFontMetrics(font).height() + 6
        rect = QRectF(thumb.right() - side - 4, thumb.top() + 4, side, side)
        painter.setPen(QPen(QColor("white"), 1.5))
        painter.setBrush(QColor(theme.WARNING_ACCENT))
        painter.drawEllipse(rect)
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "!")

    def _text(self, painter: QPainter, option: QStyleOptionViewItem, index: Index,
              card: QRectF, thumb: QRectF, status: JobStatus) -> None:
        palette = option.palette
        left = int(card.left() + CARD_PADDING)
        width = int(card.width() - 2 * CARD_PADDING)
        y = int(thumb.bottom() + 8)

        name_font = theme.scaled_font(option.font, 1.0, bold=True)
        metrics = QFontMetrics(name_font)
        painter.setFont(name_font)
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        name = metrics.elidedText(index.data(Qt.ItemDataRole.DisplayRole) or "",
                                  Qt.TextElideMode.ElideMiddle, width)
        painter.drawText(QRect(left, y, width, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, name)
        y += metrics.height() + 1

        small = theme.scaled_font(option.font, 0.9)
        small_metrics = QFontMetrics(small)
        painter.setFont(small)
        painter.setPen(theme.secondary_text(palette))
        style = small_metrics.elidedText(index.data(Role.STYLE_NAME) or "",
                                         Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(left, y, width, small_metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, style)
        y += small_metrics.height() + 5

        badge_font = theme.scaled_font(option.font, 0.82, bold=True)
        badge_metrics = QFontMetrics(badge_font)
        painter.setFont(badge_font)
        label = theme.status_text(status)
        accent = theme.accent(status)
        badge = QRectF(left, y, badge_metrics.horizontalAdvance(label) + 16,
                       badge_metrics.height() + 4)
        pill(painter, badge, theme.tinted(palette.color(QPalette.ColorRole.Base), accent,
                                          palette),
             label, accent if not theme.is_dark(palette) else accent.lighter(135))
        right = card.right() - CARD_PADDING
        if verdict := index.data(Role.MARKET):
            # At the row's end, the badge's height: the marketplace verdict, seen at a glance.
            side = badge.height() + 2
            right -= side
            draw_mark(painter, QRectF(right, badge.center().y() - side / 2, side, side),
                      verdict)
            right -= 6
        reason = index.data(Role.SHORT_ERROR)
        colour = theme.secondary_text(palette)
        if not reason and index.data(Role.UPSCALED):
            reason = self.tr("upscaled")  # an export enlarged it: said, never passed off
        if not reason and (warning := index.data(Role.WARNING)):
            # Its first words ("small photo") beside the badge: seen without hovering.
            reason = warning.split(":")[0]
            colour = QColor(theme.WARNING_ACCENT)
            if theme.is_dark(palette):
                colour = colour.lighter(130)
        if reason:
            painter.setFont(small)
            painter.setPen(colour)
            space = int(right - badge.right() - 6)
            text = small_metrics.elidedText(reason, Qt.TextElideMode.ElideRight, space)
            painter.drawText(QRect(int(badge.right()) + 6, int(y), space, int(badge.height())),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)
