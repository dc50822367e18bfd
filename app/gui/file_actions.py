"""What the user can do with a finished picture: open it, show it in its folder, copy it to the
clipboard, save it elsewhere in another format. File work runs on a pool; the clipboard is set
on the GUI thread. Opening and showing report whether the system could do it (a bare Linux
without a file manager or picture viewer cannot), so the window can say so.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QObject, QProcess, QThreadPool, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication, QImage

from app.gui.image_export import export_image
from app.gui.pools import run_for

log = logging.getLogger(__name__)


def open_file(path: str) -> bool:
    """False when the system has nothing to open it with."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(path))


def first_existing(paths: Sequence[str | None]) -> str | None:
    """Pool thread: the first of ``paths`` that is still on the disk (an exported result may
    have been moved away; the app's own copy may have been cleared)."""
    return next((p for p in paths if p and Path(p).exists()), None)


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


def save_as(owner: QObject, pool: QThreadPool, source: str, target: str,
            on_done: Callable[[str | None], None], *, may_replace: bool = True,
            source_type: str | None = None) -> None:
    """Write ``source`` to ``target`` in the format ``target``'s name says, re-encoded on the
    pool; ``on_done`` gets an error sentence or None. Without ``may_replace`` an existing file
    of that name is left alone (the user was not asked about it)."""
    def write() -> None:
        if not may_replace and Path(target).exists():
            raise FileExistsError(QCoreApplication.translate(
                "FileActions", "a file of that name is already there; choose another name"))
        export_image(source, target, source_type)

    def failed(error: BaseException) -> None:
        log.warning("Save as failed: %s", error)
        on_done(str(error) or type(error).__name__)

    run_for(owner, pool, write, on_done=lambda _r: on_done(None), on_error=failed)
