"""Fixtures for the desktop app's tests: an in-memory keyring (never the real one), photos on
disk, and a main window over a session whose threads are drained after each test."""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.errors
import pytest
from PIL import Image
from PySide6.QtCore import QCoreApplication
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.gui.main_window import MainWindow
from app.gui.pools import Pools
from app.gui.session import AppSession
from tests.fakes import MemoryKeyring


class NoKeyring(MemoryKeyring):
    """What keyring picks where nothing usable exists (the "fail" backend's priority is 0)."""

    priority = 0  # type: ignore[assignment]


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)


@pytest.fixture
def no_keyring() -> NoKeyring:
    backend = NoKeyring()
    keyring.set_keyring(backend)
    return backend


def make_photos(folder: Path, count: int, prefix: str = "photo", size: tuple[int, int] = (640,
                480)) -> list[Path]:
    """Distinct photos (each its own colour): the engine recognises identical files."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = zlib.crc32(str(folder / prefix).encode())
    paths = []
    for n in range(count):
        path = folder / f"{prefix}{n:03}.jpg"
        colour = ((seed >> 8) % 200 + 20, (seed >> 16) % 200 + 20, (n * 37) % 230 + 10)
        Image.new("RGB", size, colour).save(path, "JPEG", quality=85)
        paths.append(path)
    return paths


@pytest.fixture
def photos(tmp_path: Path) -> Callable[..., list[Path]]:
    return lambda count=3, folder="photos", prefix="photo": make_photos(
        tmp_path / folder, count, prefix)


WindowFactory = Callable[..., MainWindow]


@pytest.fixture
def open_window(qtbot: QtBot) -> Iterator[WindowFactory]:
    """Opens a main window on a config and waits until its history is in the gallery."""
    opened: list[MainWindow] = []

    def factory(config: Config, wait: bool = True) -> MainWindow:
        pools = Pools()
        session = AppSession(config, pools)
        window = MainWindow(session)
        # pytest-qt closes the window before this fixture's teardown runs: a job still in
        # flight in live mode would otherwise ask "Quit ProductSnap?" in a modal box.
        window.commands.confirm_quit = lambda: True  # type: ignore[method-assign]
        qtbot.addWidget(window)
        opened.append(window)
        window.resize(1100, 760)
        window.show()
        if wait:
            with qtbot.waitSignal(session.history_finished, timeout=10_000):
                session.open()
        else:
            session.open()
        return window

    yield factory
    for window in opened:
        window.session.shutdown(10_000)
        QCoreApplication.processEvents()  # answers of finished tasks arrive while all is alive
        window.close()
