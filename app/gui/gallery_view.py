"""The gallery: a ``QListView`` in icon mode over the gallery model, painted by the tile delegate.

Uniform tile sizes and batched layout keep ten thousand rows smooth; the only timer is the one
that animates tiles being processed, and it repaints just those tiles while any are visible.
"""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, QModelIndex, QPoint, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QPalette, QPixmapCache, QResizeEvent
from PySide6.QtWidgets import QAbstractItemView, QFrame, QListView, QWidget

from app.core.job import JobStatus
from app.gui.gallery_model import GalleryModel, Role
from app.gui.theme import TILE
from app.gui.tile_delegate import TileDelegate, thumbnail_edge

FRAME_MS = 33


class GalleryView(QListView):
    job_activated = Signal(str)  # double-click or Enter on a tile
    delete_requested = Signal()
    selection_changed = Signal()

    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.setModel(model)
        self._model = model
        self.doubleClicked.connect(self._activated)
        self.selectionModel().selectionChanged.connect(lambda *_: self.selection_changed.emit())

        self._animation = QTimer(self)
        self._animation.setInterval(FRAME_MS)
        self._animation.timeout.connect(self._animate)
        model.counts_changed.connect(self._check_animation)
        model.rowsInserted.connect(self._check_animation)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Spread the columns over the whole width: cells a little wider than a tile."""
        width = self.viewport().width()
        columns = max(1, width // TILE.width())
        cell = QSize(max(TILE.width(), width // columns), TILE.height())
        if cell != self.gridSize():
            self.setGridSize(cell)
        super().resizeEvent(event)

    @staticmethod
    def thumbnail_edge() -> int:
        return thumbnail_edge()

    # -- selection -------------------------------------------------------------------------------

    def selected_ids(self) -> list[str]:
        rows = sorted(i.row() for i in self.selectionModel().selectedIndexes())
        ids = []
        for row in rows:
            job = self._model.job_at(row)
            if job is not None:
                ids.append(job.id)
        return ids

    def current_id(self) -> str | None:
        index = self.currentIndex()
        return index.data(Role.JOB_ID) if index.isValid() else None

    def select_ids(self, job_ids: list[str], scroll: bool = True) -> None:
        selection = self.selectionModel()
        selection.clearSelection()
        first: QModelIndex | None = None
        for job_id in job_ids:
            index = self._model.index_of(job_id)
            if index.isValid():
                selection.select(index, QItemSelectionModel.SelectionFlag.Select)
                first = first or index
        if first is not None:
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            if scroll:
                self.scrollTo(first, QAbstractItemView.ScrollHint.PositionAtTop)

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
        last = min(self._model.rowCount() - 1, first + per_row * (rows_visible + 1))
        for row in range(max(0, first - per_row), last + 1):
            index = self._model.index(row, 0)
            if index.data(Role.STATUS) == JobStatus.PROCESSING.value:
                self.viewport().update(self.visualRect(index))
