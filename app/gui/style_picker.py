"""The style picker: each style's name, a one-line description and an example picture.

The examples start as the style's backdrop colours and are replaced, off the GUI thread, by the
offline demo's rendering of a sample photo in that style.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QRectF,
    QSize,
    Qt,
    QThreadPool,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFontMetrics,
    QIcon,
    QImage,
    QLinearGradient,
    QPainter,
    QPalette,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QComboBox, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.gui import theme
from app.gui.pools import run_for
from app.services.styles import Style, all_styles

Index = QModelIndex | QPersistentModelIndex
STYLE_ID = Qt.ItemDataRole.UserRole + 1
DESCRIPTION = Qt.ItemDataRole.UserRole + 2
EXAMPLE_EDGE = 44


def swatch(style: Style, edge: int, dpr: float = 1.0) -> QPixmap:
    """The style's backdrop as a small rounded square (drawn, no file involved)."""
    pixmap = QPixmap(round(edge * dpr), round(edge * dpr))
    pixmap.setDevicePixelRatio(dpr)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    gradient = QLinearGradient(0, 0, 0, edge)
    gradient.setColorAt(0, QColor(style.backdrop[0]))
    gradient.setColorAt(1, QColor(style.backdrop[1]))
    painter.setBrush(gradient)
    painter.setPen(QColor(0, 0, 0, 40))
    painter.drawRoundedRect(QRectF(0.5, 0.5, edge - 1, edge - 1), 6, 6)
    painter.end()
    return pixmap


def render_example(sample: Path, style: Style, edge: int) -> QImage:
    """Worker thread: the demo rendering of ``sample`` in ``style``, as a small QImage."""
    from app.images.mock_render import render_mock_result

    image = QImage.fromData(render_mock_result(sample.read_bytes(), style))
    return image.scaled(edge, edge, Qt.AspectRatioMode.KeepAspectRatio,
                        Qt.TransformationMode.SmoothTransformation)


class _StyleDelegate(QStyledItemDelegate):
    """Two lines per style in the open list: the name in bold, the description below."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        metrics = QFontMetrics(option.font)
        return QSize(420, max(EXAMPLE_EDGE + 12, metrics.height() * 2 + 16))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        rect = option.rect.adjusted(8, 6, -8, -6)
        icon: QIcon = index.data(Qt.ItemDataRole.DecorationRole)
        if icon is not None:
            icon.paint(painter, QRect(rect.left(), rect.top() + (rect.height() - EXAMPLE_EDGE) // 2,
                                      EXAMPLE_EDGE, EXAMPLE_EDGE))
        text_left = rect.left() + EXAMPLE_EDGE + 12
        width = rect.right() - text_left
        bold = theme.scaled_font(option.font, 1.0, bold=True)
        metrics = QFontMetrics(bold)
        painter.setFont(bold)
        painter.setPen(text_colour)
        top = rect.top() + (rect.height() - 2 * metrics.height() - 2) // 2
        painter.drawText(QRect(text_left, top, width, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                         index.data(Qt.ItemDataRole.DisplayRole))
        painter.setFont(option.font)
        if not selected:
            painter.setPen(theme.secondary_text(palette))
        description = QFontMetrics(option.font).elidedText(
            index.data(DESCRIPTION) or "", Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(text_left, top + metrics.height() + 2, width, metrics.height()),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, description)
        painter.restore()


class StylePicker(QComboBox):
    style_chosen = Signal(str)  # style id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Style"))
        self.setToolTip(self.tr("The look of the product shots made from your photos"))
        self.setIconSize(QSize(22, 22))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self._styles = all_styles()
        model = QStandardItemModel(self)
        dpr = self.devicePixelRatioF()
        for style in self._styles:
            item = QStandardItem(QIcon(swatch(style, EXAMPLE_EDGE, dpr)), style.name)
            item.setData(style.id, STYLE_ID)
            item.setData(style.description, DESCRIPTION)
            item.setData(f"{style.name}: {style.description}", Qt.ItemDataRole.ToolTipRole)
            item.setData(f"{style.name}. {style.description}",
                         Qt.ItemDataRole.AccessibleTextRole)
            model.appendRow(item)
        self.setModel(model)
        self.setItemDelegate(_StyleDelegate(self))
        self.view().setMinimumWidth(440)
        self.currentIndexChanged.connect(self._changed)

    def current_style(self) -> str:
        return self.currentData(STYLE_ID) or self._styles[0].id

    def set_current_style(self, style_id: str) -> None:
        index = self.findData(style_id, STYLE_ID)
        if index >= 0:
            self.setCurrentIndex(index)

    def load_examples(self, pool: QThreadPool, sample: Path | None) -> None:
        """Replace the swatches by renderings of ``sample``, one style at a time, off-thread."""
        if sample is None:
            return
        edge = round(EXAMPLE_EDGE * self.devicePixelRatioF() * 2)
        for row, style in enumerate(self._styles):
            run_for(self, pool, partial(render_example, sample, style, edge),
                    on_done=partial(self._example_ready, row), on_error=lambda _error: None)

    def _example_ready(self, row: int, image: QImage) -> None:
        if image.isNull():
            return
        pixmap = QPixmap.fromImage(image)
        pixmap.setDevicePixelRatio(self.devicePixelRatioF() * 2)
        model: QStandardItemModel = self.model()  # type: ignore[assignment]
        item = model.item(row)
        if item is not None:
            item.setIcon(QIcon(pixmap))

    def _changed(self, _index: int) -> None:
        self.style_chosen.emit(self.current_style())
