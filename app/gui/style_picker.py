"""The style picker: each style's name, a one-line description and a before/after example.

The examples are small JPEGs shipped in ``resources/style_examples`` (made by
``packaging/art/make_style_examples.py`` from the espresso-cup sample), read once when the first
picker is built: a dozen 200 px files, a few milliseconds. A cut-out style's example is its real
result and the style carries the mark "keeps your product exactly · free · offline"; a
generative style's example is the offline demo's rendering, and is labelled as such. A style
without a shipped example shows its backdrop colours, replaced off the GUI thread by the demo's
rendering of a sample photo.
"""

from __future__ import annotations

from functools import cache, partial
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
    QFont,
    QFontMetrics,
    QIcon,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPalette,
    QPixmap,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import QComboBox, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from app.core.paths import resource_dir
from app.gui import theme
from app.gui.pools import run_for
from app.services.styles import Style, all_styles

Index = QModelIndex | QPersistentModelIndex
STYLE_ID = Qt.ItemDataRole.UserRole + 1
DESCRIPTION = Qt.ItemDataRole.UserRole + 2
NOTE = Qt.ItemDataRole.UserRole + 3  # the third line: the local mark, or "demo preview"
IS_LOCAL = Qt.ItemDataRole.UserRole + 4
BEFORE = Qt.ItemDataRole.UserRole + 5  # QPixmap of the photo the example was made from
AFTER = Qt.ItemDataRole.UserRole + 6  # QPixmap of the example result
EXAMPLE_EDGE = 52  # each of the two pictures in the open list, logical pixels
ARROW_WIDTH = 18
ICON_EDGE = 22
VISIBLE_ROWS = 8  # rows of the open list before it scrolls: fits a 640 px high screen
BEFORE_FILE = "before.jpg"


def examples_folder() -> Path:
    return resource_dir() / "style_examples"


@cache
def example_image(name: str) -> QImage:
    """A shipped example file, read once (a null image when it is missing or unreadable)."""
    return QImage(str(examples_folder() / name))


def example_pixmap(image: QImage, edge: int, dpr: float) -> QPixmap:
    """``image`` scaled once to fit an ``edge`` square at the screen's pixel ratio."""
    scaled = image.scaled(round(edge * dpr), round(edge * dpr),
                          Qt.AspectRatioMode.KeepAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    pixmap = QPixmap.fromImage(scaled)
    pixmap.setDevicePixelRatio(dpr)
    return pixmap


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


def render_example(sample: Path, style: Style, edge: int) -> tuple[QImage, QImage]:
    """Worker thread: ``sample`` and the demo's rendering of it in ``style``, as small
    QImages (before, after)."""
    from app.images.mock_render import render_mock_result

    def fit(image: QImage) -> QImage:
        return image.scaled(edge, edge, Qt.AspectRatioMode.KeepAspectRatio,
                            Qt.TransformationMode.SmoothTransformation)

    after = QImage.fromData(render_mock_result(sample.read_bytes(), style))
    return fit(QImage(str(sample))), fit(after)


def _draw_picture(painter: QPainter, pixmap: QPixmap | None, cell: QRect) -> None:
    """``pixmap`` centred in ``cell`` with rounded corners and a hairline edge."""
    if pixmap is None or pixmap.isNull():
        return
    size = pixmap.deviceIndependentSize().toSize()
    target = QRectF(cell.left() + (cell.width() - size.width()) / 2,
                    cell.top() + (cell.height() - size.height()) / 2,
                    size.width(), size.height())
    path = QPainterPath()
    path.addRoundedRect(target, 4, 4)
    painter.save()
    painter.setClipPath(path)
    painter.drawPixmap(target.toRect(), pixmap)
    painter.restore()
    painter.setPen(QColor(0, 0, 0, 45))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(target.adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)


class _StyleDelegate(QStyledItemDelegate):
    """One row per style in the open list: before → after, then the name in bold, the
    description, and the mark of a local style or the demo-preview note."""

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        line = QFontMetrics(option.font).height()
        return QSize(560, max(EXAMPLE_EDGE + 12, line * 3 + 18))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        palette = option.palette
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected:
            painter.fillRect(option.rect, palette.color(QPalette.ColorRole.Highlight))
        text_colour = palette.color(QPalette.ColorRole.HighlightedText if selected
                                    else QPalette.ColorRole.Text)
        rect = option.rect.adjusted(8, 6, -8, -6)
        top = rect.top() + (rect.height() - EXAMPLE_EDGE) // 2
        before = QRect(rect.left(), top, EXAMPLE_EDGE, EXAMPLE_EDGE)
        after = QRect(before.right() + 1 + ARROW_WIDTH, top, EXAMPLE_EDGE, EXAMPLE_EDGE)
        after_pixmap: QPixmap | None = index.data(AFTER)
        if after_pixmap is None:  # no example: the swatch icon alone, where the after goes
            icon: QIcon | None = index.data(Qt.ItemDataRole.DecorationRole)
            if icon is not None:
                icon.paint(painter, after)
        else:
            _draw_picture(painter, index.data(BEFORE), before)
            _draw_picture(painter, after_pixmap, after)
            painter.setPen(text_colour if selected else theme.secondary_text(palette))
            painter.drawText(QRect(before.right() + 1, top, ARROW_WIDTH, EXAMPLE_EDGE),
                             Qt.AlignmentFlag.AlignCenter, "→")

        text_left = after.right() + 13
        width = rect.right() - text_left
        bold = theme.scaled_font(option.font, 1.0, bold=True)
        line = QFontMetrics(bold).height()
        text_top = rect.top() + (rect.height() - 3 * line - 4) // 2
        painter.setFont(bold)
        painter.setPen(text_colour)
        flags = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
        painter.drawText(QRect(text_left, text_top, width, line), flags,
                         index.data(Qt.ItemDataRole.DisplayRole))
        metrics = QFontMetrics(option.font)
        painter.setFont(option.font)
        if not selected:
            painter.setPen(theme.secondary_text(palette))
        description = metrics.elidedText(index.data(DESCRIPTION) or "",
                                         Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(text_left, text_top + line + 2, width, line), flags, description)
        note_font = QFont(option.font)
        local = bool(index.data(IS_LOCAL))
        note_font.setBold(local)
        note_font.setItalic(not local)
        painter.setFont(note_font)
        if not selected:
            painter.setPen(QColor(theme.SUCCESS_ACCENT) if local
                           else theme.secondary_text(palette))
        note = QFontMetrics(note_font).elidedText(index.data(NOTE) or "",
                                                  Qt.TextElideMode.ElideRight, width)
        painter.drawText(QRect(text_left, text_top + 2 * line + 4, width, line), flags, note)
        painter.restore()


class StylePicker(QComboBox):
    style_chosen = Signal(str)  # style id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Style"))
        self.setToolTip(self.tr("The look of the product shots made from your photos"))
        self.setIconSize(QSize(ICON_EDGE, ICON_EDGE))
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.setMaxVisibleItems(VISIBLE_ROWS)
        self._styles = all_styles()
        model = QStandardItemModel(self)
        dpr = self.devicePixelRatioF()
        before_image = example_image(BEFORE_FILE)
        before = None if before_image.isNull() else example_pixmap(before_image, EXAMPLE_EDGE,
                                                                   dpr)
        for style in self._styles:
            note = self.local_mark() if style.is_local else self.demo_note()
            item = QStandardItem(QIcon(swatch(style, EXAMPLE_EDGE, dpr)), style.name)
            item.setData(style.id, STYLE_ID)
            item.setData(style.description, DESCRIPTION)
            item.setData(note, NOTE)
            item.setData(style.is_local, IS_LOCAL)
            item.setData(f"{style.name}: {style.description}\n{note}",
                         Qt.ItemDataRole.ToolTipRole)
            item.setData(f"{style.name}. {style.description} {note}",
                         Qt.ItemDataRole.AccessibleTextRole)
            after = example_image(f"{style.id}.jpg")
            if before is not None and not after.isNull():
                item.setData(before, BEFORE)
                item.setData(example_pixmap(after, EXAMPLE_EDGE, dpr), AFTER)
                item.setIcon(QIcon(example_pixmap(after, ICON_EDGE, dpr)))
            model.appendRow(item)
        self.setModel(model)
        self.setItemDelegate(_StyleDelegate(self))
        self.view().setMinimumWidth(560)
        self.currentIndexChanged.connect(self._changed)

    def local_mark(self) -> str:
        return self.tr("keeps your product exactly · free · offline")

    def demo_note(self) -> str:
        return self.tr("Example: offline demo preview, not a real result")

    def current_style(self) -> str:
        return self.currentData(STYLE_ID) or self._styles[0].id

    def set_current_style(self, style_id: str) -> None:
        index = self.findData(style_id, STYLE_ID)
        if index >= 0:
            self.setCurrentIndex(index)

    def load_examples(self, pool: QThreadPool, sample: Path | None) -> None:
        """For a style with no shipped example (one added later): the demo's rendering of
        ``sample`` in place of its swatch, off-thread. The shipped ones are already shown."""
        if sample is None:
            return
        edge = round(EXAMPLE_EDGE * self.devicePixelRatioF())
        model: QStandardItemModel = self.model()  # type: ignore[assignment]
        for row, style in enumerate(self._styles):
            item = model.item(row)
            # A local style's real result needs the engine; the demo does not imitate it.
            if style.is_local or item is None or item.data(AFTER) is not None:
                continue
            run_for(self, pool, partial(render_example, sample, style, edge),
                    on_done=partial(self._example_ready, row), on_error=lambda _error: None)

    def _example_ready(self, row: int, pair: tuple[QImage, QImage]) -> None:
        before, after = pair
        if after.isNull():
            return
        dpr = self.devicePixelRatioF()
        model: QStandardItemModel = self.model()  # type: ignore[assignment]
        item = model.item(row)
        if item is not None:
            item.setIcon(QIcon(example_pixmap(after, ICON_EDGE, dpr)))
            item.setData(example_pixmap(before, EXAMPLE_EDGE, dpr), BEFORE)
            item.setData(example_pixmap(after, EXAMPLE_EDGE, dpr), AFTER)

    def _changed(self, _index: int) -> None:
        self.style_chosen.emit(self.current_style())
