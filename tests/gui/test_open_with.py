"""macOS "Open With" and drops on the Dock icon arrive as FileOpen events."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QFileOpenEvent
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.gui.application import FileOpenRelay, ProductSnapApplication
from tests.gui.conftest import WindowFactory, make_photos


def test_a_file_open_event_queues_the_photo(qtbot: QtBot, open_window: WindowFactory,
                                            mock_config: Config, tmp_path: Path) -> None:
    app = QCoreApplication.instance()
    assert isinstance(app, ProductSnapApplication)  # tests run the app's own class (conftest)
    window = open_window(mock_config)
    relay = FileOpenRelay(window)
    app.file_opened.connect(relay.opened)
    (photo,) = make_photos(tmp_path / "p", 1)
    with qtbot.waitSignal(app.file_opened, timeout=5000):
        QCoreApplication.sendEvent(app, QFileOpenEvent(str(photo)))
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    app.file_opened.disconnect(relay.opened)
