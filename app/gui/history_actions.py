"""Clearing the history: asked first, and afterwards how much room it freed.

What goes: the finished jobs in the list and the app's own copies of their files (the photos as
sent, the results as received, thumbnails). What stays: the product shots exported to the output
folder, and photos still waiting or being made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from app.core.history import Cleared
from app.core.job import JobStatus
from app.gui.banners import Kind
from app.gui.sizes import format_size

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

FINISHED = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


class HistoryActions(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.question: QMessageBox | None = None  # while "Clear the history?" is asked

    def finished_count(self) -> int:
        counts = self.window.model.counts()
        return sum(counts[status] for status in FINISHED)

    def ask_to_clear(self) -> None:
        window = self.window
        queue = window.session.queue
        if queue is None or self.question is not None:
            return
        count = self.finished_count()
        if count == 0:
            window.statusBar().showMessage(
                self.tr("There are no finished photos in the history to clear."), 6000)
            return
        text = (self.tr("ProductSnap forgets the finished photo in its list and deletes its "
                        "own copies of it (the photo as sent, the result as received, the "
                        "thumbnail).") if count == 1 else
                self.tr("ProductSnap forgets the %1 finished photos in its list and deletes "
                        "its own copies of them (the photos as sent, the results as received, "
                        "thumbnails).").replace("%1", str(count)))
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("Clear the history?"), text,
                          QMessageBox.StandardButton.NoButton, window)
        box.setInformativeText(
            self.tr("Your product shots in %1 stay where they are, and so do photos still "
                    "waiting or being made.").replace(
                        "%1", str(window.session.config.output_dir)))
        clear = box.addButton(self.tr("Clear history"), QMessageBox.ButtonRole.DestructiveRole)
        clear.setObjectName("clear")
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)
        box.finished.connect(lambda _code: self._answered(box))
        self.question = box
        box.open()

    def _answered(self, box: QMessageBox) -> None:
        clicked = box.clickedButton()
        chose_clear = clicked is not None and clicked.objectName() == "clear"
        self.question = None
        box.deleteLater()
        queue = self.window.session.queue
        if chose_clear and queue is not None:
            queue.clear_history(None)
            self.window.statusBar().showMessage(self.tr("Clearing the history…"), 6000)

    def cleared(self, cleared: Cleared) -> None:
        """From the queue's ``history_cleared``: what went and the room it freed."""
        text = (self.tr("Cleared 1 photo from the history and freed %2.") if cleared.removed == 1
                else self.tr("Cleared %1 photos from the history and freed %2.").replace(
                    "%1", str(cleared.removed)))
        text = text.replace("%2", format_size(cleared.bytes_freed))
        text += " " + self.tr("Your product shots in the output folder are still there.")
        self.window.banners.show_banner("history-cleared", Kind.SUCCESS, text,
                                        timeout_ms=30_000)
