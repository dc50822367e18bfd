"""Unexpected exceptions (logged, then a dialog that points to the log folder), About, and the
live-mode question before paid work resumes."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QCoreApplication, QObject, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from app import __version__
from app.core.config import Config, Mode

log = logging.getLogger("app.gui")


def tr(text: str) -> str:
    return QCoreApplication.translate("Dialogs", text)


def open_folder(folder: Path) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


class ExceptionReporter(QObject):
    """``sys.excepthook`` and ``threading.excepthook``: log it, then tell the user once per burst,
    on the GUI thread, where the details are."""

    reported = Signal(str)  # the one-line summary, on the GUI thread

    def __init__(self, log_folder: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.log_folder = log_folder
        self.show_dialogs = True
        self._showing = False
        self.reported.connect(self._show, Qt.ConnectionType.QueuedConnection)
        self._previous = sys.excepthook
        self._previous_thread = threading.excepthook

    def install(self) -> None:
        sys.excepthook = self.excepthook
        threading.excepthook = self._thread_hook

    def uninstall(self) -> None:
        sys.excepthook = self._previous
        threading.excepthook = self._previous_thread

    def excepthook(self, kind: type[BaseException], error: BaseException,
                   tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        log.error("Unexpected error", exc_info=(kind, error, tb))
        summary = "".join(traceback.format_exception_only(kind, error)).strip()
        self.reported.emit(summary)

    def _thread_hook(self, args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            self.excepthook(args.exc_type, args.exc_value, args.exc_traceback)

    def _show(self, summary: str) -> None:
        if not self.show_dialogs or self._showing:
            return
        self._showing = True
        try:
            box = QMessageBox(QApplication.activeWindow())
            box.setIcon(QMessageBox.Icon.Critical)
            box.setWindowTitle(tr("Something went wrong"))
            box.setText(tr("Something unexpected went wrong in ProductSnap. Your photos and "
                           "results are safe."))
            box.setInformativeText(tr("The details were written to the log in %1. If this "
                                      "keeps happening, send that log to support.")
                                   .replace("%1", str(self.log_folder)))
            box.setDetailedText(summary)
            open_button = box.addButton(tr("Open log folder"),
                                        QMessageBox.ButtonRole.ActionRole)
            box.addButton(QMessageBox.StandardButton.Close)
            box.exec()
            if box.clickedButton() is open_button:
                open_folder(self.log_folder)
        finally:
            self._showing = False


def about_text(config: Config) -> str:
    mode = (tr("Demo (offline, no cost)") if config.mode is Mode.MOCK
            else tr("Live · %1").replace("%1", config.model))
    return tr("<h3>ProductSnap %1</h3>"
              "<p>Marketplace-ready product shots from your phone photos, made with Google's "
              "Gemini image model.</p>"
              "<p><b>Mode:</b> %2<br><b>Data folder:</b> %3<br><b>Log folder:</b> %4</p>"
              ).replace("%1", __version__).replace("%2", mode).replace(
                  "%3", str(config.paths.data)).replace("%4", str(config.paths.logs))


def show_about(parent: QWidget, config: Config) -> None:
    QMessageBox.about(parent, tr("About ProductSnap"), about_text(config))


def resume_question(parent: QWidget, count: int, cost: float | None) -> QMessageBox:
    """Live mode, on start: jobs were left unfinished. Resume (at this cost, when it is known),
    cancel them, or decide later. Returned unopened, so the caller can open it without
    blocking."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("Resume unfinished photos?"))
    text = (tr("1 photo was not finished last time.") if count == 1 else
            tr("%1 photos were not finished last time.").replace("%1", str(count)))
    box.setText(text)
    box.setInformativeText(
        tr("Resuming sends them to Gemini, which charges for each one.") if cost is None else
        tr("Resuming sends them to Gemini and will cost about $%1.").replace("%1", f"{cost:.2f}"))
    box.addButton(tr("Resume"), QMessageBox.ButtonRole.AcceptRole).setObjectName("resume")
    box.addButton(tr("Cancel them"), QMessageBox.ButtonRole.DestructiveRole).setObjectName(
        "cancel")
    later = box.addButton(tr("Decide later"), QMessageBox.ButtonRole.RejectRole)
    later.setObjectName("later")
    box.setDefaultButton(later)
    return box
