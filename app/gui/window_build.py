"""The main window's widgets, laid out: banners; the header (add, style, generate; the gallery's
filter bar below; the batch and its controls at the right, where there is room: see
``header_row``); photos waiting; the gallery (or the empty drop target) beside the detail view
in a splitter; the status bar."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme
from app.gui.banners import BannerArea
from app.gui.batch_panel import BatchPanel
from app.gui.detail_view import DetailPanel
from app.gui.drop_zone import DropOverlay, EmptyState
from app.gui.gallery_filter import GalleryBar
from app.gui.gallery_view import GalleryView
from app.gui.header_row import HeaderLayout
from app.gui.status_bar import StatusBar
from app.gui.style_picker import StylePicker

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow


def build_window(window: MainWindow) -> None:
    tr = window.tr
    central = QWidget(window)
    outer = QVBoxLayout(central)
    outer.setContentsMargins(theme.SPACING, theme.SPACING, theme.SPACING, 4)
    outer.setSpacing(10)
    window.banners = BannerArea(central)
    outer.addWidget(window.banners)

    lead = QWidget(central)
    header = QHBoxLayout(lead)
    header.setContentsMargins(0, 0, 0, 0)
    header.setSpacing(8)
    window.add_button = QPushButton(tr("Add photos…"), lead)
    window.add_button.setAccessibleName(tr("Add photos"))
    window.add_button.clicked.connect(window.choose_photos)
    header.addWidget(window.add_button)
    header.addSpacing(12)
    style_label = QLabel(tr("Style:"), lead)
    header.addWidget(style_label)
    window.style_picker = StylePicker(lead)
    style_label.setBuddy(window.style_picker)
    header.addWidget(window.style_picker)
    window.generate_button = QPushButton(tr("Generate"), lead)
    window.generate_button.setAccessibleName(tr("Generate product shots"))
    window.generate_button.setToolTip(tr("Make product shots of the photos waiting, or of the "
                                         "selected photos, in this style (Ctrl+Enter)"))
    window.generate_button.setDefault(True)
    theme.primary(window.generate_button)
    window.generate_button.clicked.connect(window.generate)
    header.addWidget(window.generate_button)
    window.batch_panel = BatchPanel(central)
    window.splitter = QSplitter(Qt.Orientation.Horizontal, central)
    window.stack = QStackedWidget(window.splitter)
    window.gallery = GalleryView(window.model, window.stack)
    window.gallery_bar = GalleryBar(window.gallery.proxy, central)
    window.gallery_bar.order_changed.connect(window.gallery_order_chosen)
    window.gallery_bar.market_box.preset_chosen.connect(window.marketplace_chosen)
    window.gallery_bar.hide()
    window.header = HeaderLayout(lead, window.batch_panel, window.gallery_bar)
    outer.addLayout(window.header)

    window.staging = QWidget(central)
    staging_row = QHBoxLayout(window.staging)
    staging_row.setContentsMargins(0, 0, 0, 0)
    window.staging_label = QLabel(window.staging)
    clear = QPushButton(tr("Clear"), window.staging)
    clear.setAccessibleName(tr("Clear the photos waiting"))
    clear.clicked.connect(lambda: window.intake.clear_staged())
    staging_row.addWidget(window.staging_label, 1)
    staging_row.addWidget(clear)
    window.staging.hide()
    outer.addWidget(window.staging)

    window.splitter.setChildrenCollapsible(False)
    window.empty = EmptyState(window.stack)
    window.empty.add_requested.connect(window.choose_photos)
    window.empty.samples_requested.connect(window.add_samples)
    window.stack.addWidget(window.empty)
    window.stack.addWidget(window.gallery)
    # The empty page's text wants a big window; the detail view is only ever shown beside
    # the gallery, which is happy with one column and row of tiles. Without this, the hidden
    # page would hold the window wider and taller than a small laptop screen.
    window.stack.setMinimumSize(theme.TILE.width() + 24, theme.TILE.height() * 3 // 4)
    window.detail = DetailPanel(window.pools.images, window.checks, window.splitter)
    window.detail.set_engine_source(lambda: window.session.engine)
    window.detail.hide()
    window.splitter.addWidget(window.stack)
    window.splitter.addWidget(window.detail)
    window.splitter.setStretchFactor(0, 3)
    window.splitter.setStretchFactor(1, 2)
    outer.addWidget(window.splitter, 1)
    window.setCentralWidget(central)

    window.status = StatusBar(window)
    window.setStatusBar(window.status)
    window.overlay = DropOverlay(central)

    window.gallery.job_activated.connect(window.show_detail)
    window.gallery.delete_requested.connect(lambda: window.commands.remove(
        window.gallery.selected_ids()))
    window.gallery.selection_changed.connect(window.gallery_selection_changed)
    window.gallery.proxy.filter_changed.connect(window.schedule_refresh)
    window.detail.closed.connect(window.hide_detail)
    # A touch-up writes a new result and thumbnail: the tile and its checks follow.
    window.detail.job_touched_up.connect(window._job_changed)
    window.model.counts_changed.connect(window.schedule_refresh)
    window.model.rowsInserted.connect(window.schedule_refresh)
    window.model.rowsRemoved.connect(window.schedule_refresh)
