"""The style picker: a before/after example for every style from the shipped files, the mark
"keeps your product exactly · free · offline" on the local cut-out styles only, the demo-preview
note on the others, and a list that fits a small screen."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QRect, QSize, Qt, QThreadPool
from PySide6.QtGui import QColor, QImage, QPainter, QPixmap, QStandardItemModel
from PySide6.QtWidgets import QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from app.gui import style_picker, theme
from app.gui.style_picker import (
    AFTER,
    BEFORE,
    EXAMPLE_EDGE,
    IS_LOCAL,
    NOTE,
    STYLE_ID,
    VISIBLE_ROWS,
    StylePicker,
)
from app.services.styles import Style, all_styles, get_style

MARK = "keeps your product exactly · free · offline"
ROW_WIDTH = 560


@pytest.fixture(autouse=True)
def fresh_examples() -> Iterator[None]:
    """Each test reads the example files anew (they are cached for the process)."""
    style_picker.example_image.cache_clear()
    yield
    style_picker.example_image.cache_clear()


def make_picker(qtbot: QtBot) -> StylePicker:
    picker = StylePicker()
    qtbot.addWidget(picker)
    return picker


def model_of(picker: StylePicker) -> QStandardItemModel:
    model = picker.model()
    assert isinstance(model, QStandardItemModel)
    return model


def row_of(picker: StylePicker, style_id: str) -> QModelIndex:
    row = picker.findData(style_id, STYLE_ID)
    assert row >= 0, style_id
    return model_of(picker).index(row, 0)


def paint_row(picker: StylePicker, index: QModelIndex) -> QImage:
    """The open list's row for ``index``, painted by the picker's delegate on white."""
    delegate = picker.itemDelegate()
    option = QStyleOptionViewItem()
    option.initFrom(picker)
    option.state = QStyle.StateFlag.State_Enabled  # not selected: the note in its own colour
    height = delegate.sizeHint(option, index).height()
    option.rect = QRect(0, 0, ROW_WIDTH, height)
    pixmap = QPixmap(ROW_WIDTH, height)
    pixmap.fill(Qt.GlobalColor.white)
    painter = QPainter(pixmap)
    delegate.paint(painter, option, index)
    painter.end()
    return pixmap.toImage()


def count_colour(image: QImage, colour: QColor, region: QRect, tolerance: int = 24) -> int:
    found = 0
    for y in range(region.top(), region.bottom() + 1):
        for x in range(region.left(), region.right() + 1):
            pixel = image.pixelColor(x, y)
            if (abs(pixel.red() - colour.red()) <= tolerance
                    and abs(pixel.green() - colour.green()) <= tolerance
                    and abs(pixel.blue() - colour.blue()) <= tolerance):
                found += 1
    return found


def test_every_style_has_a_shipped_before_and_after_example() -> None:
    folder = style_picker.examples_folder()
    assert not QImage(str(folder / style_picker.BEFORE_FILE)).isNull()
    for style in all_styles():
        image = QImage(str(folder / f"{style.id}.jpg"))
        assert not image.isNull(), style.id
        assert 150 <= max(image.width(), image.height()) <= 240, style.id
        assert (folder / f"{style.id}.jpg").stat().st_size < 30_000, style.id


def test_the_mark_is_on_the_local_styles_only(qtbot: QtBot) -> None:
    picker = make_picker(qtbot)
    styles = all_styles()
    assert any(s.is_local for s in styles) and any(not s.is_local for s in styles)
    for style in styles:
        index = row_of(picker, style.id)
        note = index.data(NOTE)
        assert bool(index.data(IS_LOCAL)) is style.is_local
        if style.is_local:
            assert note == MARK, style.id
            assert MARK in index.data(Qt.ItemDataRole.ToolTipRole)
            assert MARK in index.data(Qt.ItemDataRole.AccessibleTextRole)
        else:
            assert MARK not in note and "demo preview" in note, style.id
            assert MARK not in index.data(Qt.ItemDataRole.ToolTipRole)


def test_the_mark_is_drawn_for_a_local_style_and_not_for_a_generative_one(
        qtbot: QtBot) -> None:
    picker = make_picker(qtbot)
    green = QColor(theme.SUCCESS_ACCENT)
    text_area = QRect(2 * EXAMPLE_EDGE + 40, 0, ROW_WIDTH - 2 * EXAMPLE_EDGE - 40, 1)
    local = paint_row(picker, row_of(picker, "cutout_white"))
    generative = paint_row(picker, row_of(picker, "lifestyle_kitchen"))
    assert local.height() >= EXAMPLE_EDGE
    assert count_colour(local, green, text_area.adjusted(0, 0, 0, local.height() - 1)) > 30
    assert count_colour(generative, green,
                        text_area.adjusted(0, 0, 0, generative.height() - 1)) == 0


def test_the_example_pixmaps_load_and_are_drawn(qtbot: QtBot) -> None:
    picker = make_picker(qtbot)
    for style in all_styles():
        index = row_of(picker, style.id)
        before, after = index.data(BEFORE), index.data(AFTER)
        assert isinstance(before, QPixmap) and not before.isNull(), style.id
        assert isinstance(after, QPixmap) and not after.isNull(), style.id
        size = after.deviceIndependentSize().toSize()
        assert max(size.width(), size.height()) == EXAMPLE_EDGE, style.id
    # The examples keep their shape: the banner is wide, a 4:5 scene is tall.
    wide = row_of(picker, "banner").data(AFTER).deviceIndependentSize()
    tall = row_of(picker, "lifestyle_kitchen").data(AFTER).deviceIndependentSize()
    assert wide.width() > 1.5 * wide.height() and tall.height() > 1.2 * tall.width()
    # The white cut-out's example is the real result: white around the product.
    white = row_of(picker, "cutout_white").data(AFTER).toImage()
    assert white.pixelColor(1, 1).lightness() > 245
    # Both pictures are painted in the row: the before photo (a dark wooden bar) on the left.
    row = paint_row(picker, row_of(picker, "cutout_white"))
    cell = QRect(0, 0, EXAMPLE_EDGE + 8, row.height())
    assert count_colour(row, QColor(255, 255, 255), cell, 8) < 0.8 * cell.width() * row.height()


def test_the_closed_picker_shows_the_example_as_its_icon(qtbot: QtBot) -> None:
    picker = make_picker(qtbot)
    picker.set_current_style("outdoor")
    image = picker.itemIcon(picker.currentIndex()).pixmap(QSize(22, 22)).toImage()
    # Foliage: colours change along a row. A swatch is a vertical gradient, flat along each.
    spread = max(max(image.pixelColor(x, y).green() for x in range(4, image.width() - 4))
                 - min(image.pixelColor(x, y).green() for x in range(4, image.width() - 4))
                 for y in range(4, image.height() - 4))
    assert spread > 25
    # The banner's example is wide, where a swatch is square.
    banner = picker.itemIcon(row_of(picker, "banner").row()).pixmap(QSize(22, 22))
    size = banner.deviceIndependentSize()
    assert size.width() > 1.5 * size.height()


def test_the_picker_fits_a_small_screen(qtbot: QtBot) -> None:
    picker = make_picker(qtbot)
    picker.show()
    assert picker.sizeHint().width() < 360  # the closed picker leaves room in the header
    option = QStyleOptionViewItem()
    option.initFrom(picker)
    row = picker.itemDelegate().sizeHint(option, row_of(picker, "cutout_white"))
    assert row.width() <= 1024 - 100
    assert picker.maxVisibleItems() == VISIBLE_ROWS
    assert row.height() * VISIBLE_ROWS <= 640 - 100


def test_a_style_without_an_example_gets_the_demo_rendering(
        qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(style_picker, "examples_folder", lambda: tmp_path)  # nothing there
    rendered: list[str] = []

    def fake_render(sample: Path, style: Style, edge: int) -> tuple[QImage, QImage]:
        rendered.append(style.id)
        image = QImage(edge, edge, QImage.Format.Format_RGB32)
        image.fill(QColor("#336699"))
        return image, image

    monkeypatch.setattr(style_picker, "render_example", fake_render)
    picker = make_picker(qtbot)
    index = row_of(picker, "lifestyle_kitchen")
    assert index.data(AFTER) is None  # the swatch until the rendering comes
    pool = QThreadPool()
    picker.load_examples(pool, tmp_path / "sample.jpg")
    qtbot.waitUntil(lambda: row_of(picker, "lifestyle_kitchen").data(AFTER) is not None)
    pool.waitForDone()
    # The demo does not imitate the local cut-out: those keep their swatch.
    assert sorted(rendered) == sorted(s.id for s in all_styles() if not s.is_local)
    assert row_of(picker, get_style("cutout_white").id).data(AFTER) is None
