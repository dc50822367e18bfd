"""The gallery: a ``QListView`` in icon mode over the gallery model (seen through the status and
style filter), painted by the tile delegate.

Uniform tile sizes and batched layout keep ten thousand rows smooth; the only timer is the one
that animates tiles being processed, and it repaints just those tiles while any are visible.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QPoint,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QPixmapCache,
    QResizeEvent,
)
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QWidget

from app.core.job import JobStatus
from app.gui import theme
from app.gui.gallery_filter import GalleryFilter
from app.gui.gallery_model import GalleryModel, Role
from app.gui.theme import TILE
from app.gui.tile_delegate import TileDelegate, thumbnail_edge

Index = QModelIndex | QPersistentModelIndex
ScrollHint = QAbstractItemView.ScrollHint

FRAME_MS = 33


class GalleryView(QListView):
    job_activated = Signal(str)  # double-click or Enter on a tile
    delete_requested = Signal()
    selection_changed = Signal()

    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # After the detail view opens or closes, the tiles flow anew: the current one is
        # scrolled back into view once the new width has been laid out.
        self._keep_visible = False
        self._keep_timer = QTimer(self)
        self._keep_timer.setSingleShot(True)
        self._keep_timer.setInterval(0)
        self._keep_timer.timeout.connect(self._ensure_current_visible)
        self.setObjectName("gallery")
        self.setAccessibleName(self.tr("Gallery of photos"))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(400)
        self.setGridSize(QSize(TILE))
        self.setSpacing(0)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.verticalScrollBar().setSingleStep(24)
        self.setMouseTracking(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Window)
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.setDragEnabled(False)
        self.setAcceptDrops(False)  # drops go to the window, which takes them anywhere
        self.viewport().setAcceptDrops(False)
        self.setItemDelegate(TileDelegate(self))
        # Painted tiles are cached (tile_delegate): room for a few screens of them.
        QPixmapCache.setCacheLimit(max(QPixmapCache.cacheLimit(), 32 * 1024))
        self._model = model
        self.proxy = GalleryFilter(model, self)
        self.setModel(self.proxy)
        self.doubleClicked.connect(self._activated)
        self.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())
        self.proxy.filter_changed.connect(self._filter_changed)

        self._animation = QTimer(self)
        self._animation.setInterval(FRAME_MS)
        self._animation.timeout.connect(self._animate)
        model.counts_changed.connect(self._check_animation)
        model.rowsInserted.connect(self._check_animation)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Spread the columns over the whole width: cells a little wider than a tile."""
        # The list wraps as soon as a row reaches the viewport's last pixel: a pixel to spare,
        # or the last column moves down and leaves a gap the width of a tile.
        width = self.viewport().width() - 1
        columns = max(1, width // TILE.width())
        cell = QSize(max(TILE.width(), width // columns), TILE.height())
        if cell != self.gridSize():
            self.setGridSize(cell)
        super().resizeEvent(event)
        if self._keep_visible:
            self._keep_timer.start()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.proxy.rowCount() == 0 and self._model.rowCount() > 0:
            # Everything is filtered out: say so, rather than look like an empty history.
            painter = QPainter(self.viewport())
            painter.setPen(theme.secondary_text(self.palette()))
            painter.drawText(self.viewport().rect().adjusted(24, 24, -24, -24),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop
                             | Qt.TextFlag.TextWordWrap,
                             self.tr("No photos match this filter. Choose “All photos” and "
                                     "“All styles” to see every photo."))

    @staticmethod
    def thumbnail_edge() -> int:
        return thumbnail_edge()

    # -- selection -------------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        """The selected jobs in the order they are shown."""
        indexes = sorted(self.selectionModel().selectedIndexes(), key=lambda i: i.row())
        return [job_id for i in indexes if (job_id := i.data(Role.JOB_ID))]

    def current_id(self) -> str | None:
        index = self.currentIndex()
        return index.data(Role.JOB_ID) if index.isValid() else None

    def index_of(self, job_id: str) -> QModelIndex:
        """The job's index in the view (invalid while the filter hides it)."""
        return self.proxy.mapFromSource(self._model.index_of(job_id))

    def select_ids(self, job_ids: list[str], scroll: bool = True) -> None:
        """Select these jobs (the filter is cleared when it hides any of them)."""
        if any(not self.proxy.accepts(i) for i in job_ids if self._model.row_of(i) is not None):
            self.proxy.clear_filter()
        selection = self.selectionModel()
        chosen = QItemSelection()
        first: QModelIndex | None = None
        for job_id in job_ids:
            index = self.index_of(job_id)
            if index.isValid():
                chosen.select(index, index)
                first = first or index
        if first is not None:
            # Current first: listeners of the selection (the detail view) read it.
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
        selection.select(chosen, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        if first is not None and scroll:
            self.scrollTo(first, ScrollHint.PositionAtTop)

    def scroll_to_id(self, job_id: str, hint: ScrollHint = ScrollHint.EnsureVisible) -> None:
        index = self.index_of(job_id)
        if index.isValid():
            self.scrollTo(index, hint)

    def scrollTo(self, index: Index, hint: ScrollHint = ScrollHint.EnsureVisible) -> None:
        """Also takes an index of the gallery model itself, as the rest of the window knows
        jobs by those."""
        if index.isValid() and index.model() is self._model:
            index = self.proxy.mapFromSource(self._model.index(index.row(), 0))
        super().scrollTo(index, hint)

    def keep_current_visible(self) -> None:
        """Keep the current tile in view through the next change of the gallery's size."""
        self._keep_visible = True
        self._keep_timer.start()

    def _ensure_current_visible(self) -> None:
        index = self.currentIndex()
        if index.isValid():
            self.scrollTo(index, ScrollHint.EnsureVisible)
        self._keep_visible = False

    def _filter_changed(self) -> None:
        """The current tile stays in view when it is still shown; else the list starts at the
        top."""
        if self.currentIndex().isValid():
            self.keep_current_visible()
        else:
            self.scrollToTop()
        self.viewport().update()

    # -- keys ------------------------------------------------------------------------------------

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.matches(QKeySequence.StandardKey.Delete) or event.key() == Qt.Key.Key_Backspace:
            self.delete_requested.emit()
            return
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            self._activated(self.currentIndex())
            return
        super().keyPressEvent(event)

    def _activated(self, index: QModelIndex) -> None:
        job_id = index.data(Role.JOB_ID)
        if job_id:
            self.job_activated.emit(job_id)

    # -- animation -------------------------------------------------------------------------------

    def _check_animation(self, *_: object) -> None:
        busy = self._model.counts().get(JobStatus.PROCESSING, 0) > 0
        if busy and not self._animation.isActive():
            self._animation.start()
        elif not busy and self._animation.isActive():
            self._animation.stop()
            self.viewport().update()

    def _animate(self) -> None:
        """Repaint only the processing tiles that are on screen."""
        viewport = self.viewport().rect()
        top = self.indexAt(viewport.topLeft() + QPoint(4, 4))
        first = top.row() if top.isValid() else 0
        per_row = max(1, viewport.width() // max(1, self.gridSize().width()))
        rows_visible = viewport.height() // TILE.height() + 2
        last = min(self.proxy.rowCount() - 1, first + per_row * (rows_visible + 1))
        for row in range(max(0, first - per_row), last + 1):
            index = self.proxy.index(row, 0)
            if index.data(Role.STATUS) == JobStatus.PROCESSING.value:
                self.viewport().update(self.visualRect(index))
