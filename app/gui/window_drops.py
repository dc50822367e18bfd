"""Photos dropped anywhere on the main window: files and folders are taken in, a picture dragged
from a browser is saved first; the drop overlay shows while something is dragged over it.

A mixin of ``MainWindow`` (placed before ``QMainWindow``, so Qt calls these event handlers)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QRect
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QDropEvent, QResizeEvent
from PySide6.QtWidgets import QMainWindow

from app.gui.drop_zone import can_take, local_paths, pasted_image

if TYPE_CHECKING:
    from app.gui.drop_zone import DropOverlay, EmptyState
    from app.gui.session import AppSession

    _Base = QMainWindow
else:
    _Base = object


class WindowDrops(_Base):
    overlay: DropOverlay
    empty: EmptyState
    session: AppSession

    def take_paths(self, paths: list[str]) -> None:
        raise NotImplementedError

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if can_take(event.mimeData()):
            event.acceptProposedAction()
            self.overlay.setGeometry(self._central_rect())
            self.overlay.raise_()
            self.overlay.show()
            self.empty.set_highlight(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.overlay.hide()
        self.empty.set_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.overlay.hide()
        self.empty.set_highlight(False)
        mime = event.mimeData()
        paths = local_paths(mime)
        if paths:
            event.acceptProposedAction()
            self.take_paths(paths)
        elif (image := pasted_image(mime)) is not None:
            event.acceptProposedAction()
            self.session.save_image(image)
        else:
            event.ignore()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self._central_rect())

    def _central_rect(self) -> QRect:
        central = self.centralWidget()
        assert central is not None  # set once in __init__, never taken away
        return central.rect()
