"""What the user can do with a finished picture: open it, show it in its folder, copy it to the
clipboard, save a copy elsewhere. File work runs on a pool; the clipboard is set on the GUI thread.
"""

from __future__ import annotations

import logging
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QProcess, QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage

from app.gui.pools import run_for

log = logging.getLogger(__name__)


def open_file(path: str) -> bool:
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def show_in_folder(path: str) -> bool:
    """Reveal the file in the system's file manager, selected where the platform allows."""
    target = str(Path(path))
    if sys.platform == "win32":
        return QProcess.startDetached("explorer.exe", [f"/select,{target}"])[0]
    if sys.platform == "darwin":
        return QProcess.startDetached("open", ["-R", target])[0]
    if _show_items_dbus(target):
        return True
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(Path(target).parent)))


def _show_items_dbus(path: str) -> bool:
    """The freedesktop FileManager1 interface (Nautilus, Dolphin, Nemo, Thunar...)."""
    try:
        from PySide6.QtDBus import QDBusConnection, QDBusInterface
    except ImportError:
        return False
    bus = QDBusConnection.sessionBus()
    if not bus.isConnected():
        return False
    interface = QDBusInterface("org.freedesktop.FileManager1", "/org/freedesktop/FileManager1",
                               "org.freedesktop.FileManager1", bus)
    if not interface.isValid():
        return False
    # PySide6's asyncCall() takes the method name only; the arguments go as a list.
    interface.asyncCallWithArgumentList(
        "ShowItems", [[QUrl.fromLocalFile(path).toString()], ""])
    return True


def copy_image(owner: QObject, pool: QThreadPool, path: str,
               on_done: Callable[[bool], None]) -> None:
    """Decode on the pool; put the picture on the clipboard on the GUI thread."""
    def load() -> QImage:
        image = QImage(path)
        if image.isNull():
            raise OSError(f"cannot read {path}")
        return image

    def loaded(image: QImage) -> None:
        QGuiApplication.clipboard().setImage(image)
        on_done(True)

    def failed(error: BaseException) -> None:
        log.warning("Copy image failed: %s", error)
        on_done(False)

    run_for(owner, pool, load, on_done=loaded, on_error=failed)


def save_copy(owner: QObject, pool: QThreadPool, source: str, target: str,
              on_done: Callable[[str | None], None]) -> None:
    """Copy ``source`` to ``target`` on the pool; ``on_done`` gets an error sentence or None."""
    def copy() -> None:
        shutil.copyfile(source, target)

    def failed(error: BaseException) -> None:
        log.warning("Save as failed: %s", error)
        on_done(str(error))

    run_for(owner, pool, copy, on_done=lambda _r: on_done(None), on_error=failed)
