"""Unexpected exceptions (logged, then a dialog that points to the log folder), About, and the
live-mode question before spending: how many photos, which styles, model and size, the total."""

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
from app.gui.consent import Spend

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


def _photos(count: int) -> str:
    return tr("1 photo") if count == 1 else tr("%1 photos").replace("%1", str(count))


def _styles(names: tuple[str, ...]) -> str:
    """"in Studio white", "in Studio white and Flat lay", "in 5 styles"."""
    if not names:
        return ""
    if len(names) == 1:
        return tr("in %1").replace("%1", names[0])
    if len(names) <= 3:
        listed = tr("%1 and %2").replace("%1", ", ".join(names[:-1])).replace("%2", names[-1])
        return tr("in %1").replace("%1", listed)
    return tr("in %1 styles").replace("%1", str(len(names)))


def spend_text(spend: Spend) -> tuple[str, str]:
    """The question's sentence and its explanation: "Make 30 photos in Studio white with
    gemini-2.5-flash-image at 1K: about $1.17." """
    what = " ".join(part for part in (_photos(spend.count), _styles(spend.styles)) if part)
    how = (tr("with %1 at %2").replace("%1", spend.model).replace("%2", spend.size)
           if spend.model else
           tr("at %1 with the model ProductSnap chooses").replace("%1", spend.size))
    text = tr("Make %1 %2").replace("%1", what).replace("%2", how)
    text += (tr(": about $%1.").replace("%1", f"{spend.cost:.2f}") if spend.cost is not None
             else ".")
    notes: list[str] = []
    one = spend.count == 1
    if spend.resumed == spend.count:
        notes.append(tr("It was not finished last time.") if one else
                     tr("They were not finished last time."))
    elif spend.resumed:
        notes.append(tr("%1 of them were not finished last time.").replace(
            "%1", str(spend.resumed)) if spend.resumed > 1 else
            tr("1 of them was not finished last time."))
    if spend.cost is None:
        notes.append(tr("The cost is not known until the model is chosen; Gemini charges for "
                        "each photo.") if spend.model is None else
                     tr("ProductSnap has no price for %1; Gemini charges for each photo.")
                     .replace("%1", spend.model))
    notes.append(tr("Not now keeps it waiting in the queue; Resume starts it later.") if one else
                 tr("Not now keeps them waiting in the queue; Resume starts them later."))
    return text, " ".join(notes)


def spend_question(parent: QWidget, spend: Spend) -> QMessageBox:
    """Live mode, before the first request of a batch: Start, or Not now. Returned unopened,
    so the caller can open it without blocking; ``update_spend_question`` brings it up to date
    when photos are added while it is open."""
    box = QMessageBox(parent)
    box.setObjectName("spendQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(tr("Start making photos?"))
    start = box.addButton(tr("Start"), QMessageBox.ButtonRole.AcceptRole)
    start.setObjectName("start")
    later = box.addButton(tr("Not now"), QMessageBox.ButtonRole.RejectRole)
    later.setObjectName("later")
    box.setDefaultButton(start)
    box.setEscapeButton(later)
    update_spend_question(box, spend)
    return box


def update_spend_question(box: QMessageBox, spend: Spend) -> None:
    text, informative = spend_text(spend)
    box.setText(text)
    box.setInformativeText(informative)
