"""Starting the desktop app: ``productsnap``, or ``productsnap PHOTO...`` ("Open with").

QApplication with a qasync event loop (so the settings dialog can await an httpx call on the GUI
thread without blocking it), logging to the log folder, an excepthook that logs and shows a
dialog, then the main window. The store is opened off the GUI thread; the window shows at once.
"""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFileOpenEvent, QGuiApplication, QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from app import __version__
from app.core.config import Config, ConfigError, describe, load_config
from app.core.logging_setup import setup_logging
from app.core.paths import resource_dir

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

log = logging.getLogger("app.gui")


def app_icon() -> QIcon:
    icon = QIcon()
    folder = resource_dir() / "icons"
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        path = folder / f"productsnap-{size}.png"
        if path.is_file():
            icon.addFile(str(path))
    return icon


def make_application(argv: list[str] | None = None) -> QApplication:
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    # Worker threads run Python too (the engine, thumbnails): hand the GIL back to the GUI
    # thread within a millisecond rather than the default five, so it never waits in line.
    sys.setswitchinterval(0.001)
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
        Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = ProductSnapApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("ProductSnap")
    app.setApplicationDisplayName("ProductSnap")
    app.setOrganizationName("ProductSnap")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("productsnap")
    return app


class ProductSnapApplication(QApplication):
    """macOS delivers "Open With" and drops on the Dock icon to the application object as
    FileOpen events, not as arguments. Overriding ``event`` sees only the events sent to the
    application itself; an application-wide event filter would see every event of every object.
    """

    file_opened = Signal(str)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            if event.file():
                self.file_opened.emit(event.file())
            return True
        return super().event(event)


class FileOpenRelay(QObject):
    """Hands opened files to the window; a child of it, so the connection ends with it."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window

    def opened(self, path: str) -> None:
        self.window.take_paths([path])


def create_window(config: Config, photos: list[str] | None = None) -> MainWindow:
    """The session (engine opened off-thread) and its main window, shown; photos queued."""
    from app.gui.inbox import Inbox
    from app.gui.main_window import MainWindow
    from app.gui.pools import Pools
    from app.gui.session import AppSession

    app = QApplication.instance()
    pools = Pools(app)
    session = AppSession(config, pools, app)
    window = MainWindow(session, app_icon())
    session.open()
    if isinstance(app, ProductSnapApplication):
        app.file_opened.connect(FileOpenRelay(window).opened)
    inbox = Inbox(config.paths.data, pools.io, window)
    session.lock_changed.connect(lambda holds: inbox.start() if holds else None)
    inbox.photos_arrived.connect(window.take_paths)
    inbox.photos_arrived.connect(lambda _photos: window.bring_to_front())
    window.inbox = inbox
    if photos:
        window.take_paths([str(Path(p).expanduser().absolute()) for p in photos])
    return window


def run_app(photos: list[str]) -> int:
    app = make_application()
    try:
        config = load_config()
    except ConfigError as error:
        QMessageBox.critical(None, QCoreApplication.translate("App", "ProductSnap cannot start"),
                             QCoreApplication.translate(
                                 "App", "There is a problem with the configuration:\n\n%1")
                             .replace("%1", str(error)))
        return 2
    setup_logging(config.paths.logs)
    photos = [str(Path(p).expanduser().absolute()) for p in photos]
    from app.gui.inbox import hand_off

    if photos and hand_off(config.paths.data, photos):
        log.info("Handed %d photo(s) to the ProductSnap window already open", len(photos))
        return 0
    log.info("ProductSnap %s desktop app: %s", __version__, describe(config))

    from app.gui.dialogs import ExceptionReporter

    reporter = ExceptionReporter(config.paths.logs, app)
    reporter.install()
    app.setWindowIcon(app_icon())

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    window = create_window(config, photos)
    window.show()
    # Ctrl+C in the terminal, or a logout's SIGTERM: close as the window's Quit does, so that
    # jobs in flight finish and the runner lock is released. The timer lets Python see signals.
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_: QTimer.singleShot(0, window.close))
    heartbeat = QTimer(app)
    heartbeat.timeout.connect(lambda: None)
    heartbeat.start(250)
    code = 0
    try:
        with loop:
            result = loop.run_forever()
            code = int(result) if isinstance(result, int) else 0
    finally:
        log.info("ProductSnap is closing")
        if window.inbox is not None:
            window.inbox.stop()
        window.session.shutdown()
        reporter.uninstall()
    return code
