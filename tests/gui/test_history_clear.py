"""Clear history: asked first; finished jobs and the app's own copies go, the exported results stay,
and the window says how much room it freed. Sizes read as people read them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.core.engine import Engine
from app.gui.sizes import format_size, measure_data_folder
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import all_done, drop, mime_with


def click(box: QMessageBox, name: str) -> None:
    button = box.findChild(QPushButton, name) if name else box.button(
        QMessageBox.StandardButton.Cancel)
    assert button is not None
    button.click()


def test_clearing_the_history_keeps_the_exported_results_and_says_what_it_freed(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 3)))
    qtbot.waitUntil(all_done(window, 3), timeout=15_000)
    jobs = window.model.jobs()
    exported = [Path(j.output_path) for j in jobs if j.output_path]
    own = [Path(p) for j in jobs for p in (j.upload_path, j.result_path,
                                             j.result_thumbnail_path) if p]
    assert len(exported) == 3 and all(p.is_file() for p in own)

    window.actions_by_name["clear_history"].trigger()
    box = window.history.question
    assert box is not None and box.isVisible()
    assert "3 finished photos" in box.text()
    assert str(mock_config.output_dir) in box.informativeText()
    with qtbot.waitSignal(window.session.queue.history_cleared, timeout=10_000) as cleared:
        click(box, "clear")
    assert cleared.args[0].removed == 3 and cleared.args[0].bytes_freed > 0
    qtbot.waitUntil(lambda: window.model.rowCount() == 0, timeout=5000)
    assert all(p.is_file() for p in exported)  # the product shots stay
    assert not any(p.exists() for p in own)  # the app's copies go
    banner = window.banners.banner("history-cleared")
    assert banner is not None
    assert "Cleared 3 photos" in banner.text
    assert format_size(cleared.args[0].bytes_freed) in banner.text
    qtbot.waitUntil(lambda: window.stack.currentWidget() is window.empty, timeout=2000)

    # Cleared for good: the next start does not bring them back.
    engine = Engine(mock_config)
    assert engine.store.all() == []
    engine.close()


def test_cancelling_keeps_everything(qtbot: QtBot, open_window: WindowFactory,
                                     mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 2)))
    qtbot.waitUntil(all_done(window, 2), timeout=10_000)
    window.history.ask_to_clear()
    assert window.history.question is not None
    click(window.history.question, "")
    qtbot.wait(300)
    assert window.model.rowCount() == 2
    assert window.history.question is None


def test_nothing_finished_nothing_to_ask(open_window: WindowFactory,
                                         mock_config: Config) -> None:
    window = open_window(mock_config)
    window.history.ask_to_clear()
    assert window.history.question is None
    assert "no finished photos" in window.statusBar().currentMessage()


def test_sizes_read_as_people_read_them() -> None:
    assert format_size(0) == "0 bytes"
    assert format_size(1536) == "1.5 kB"
    assert format_size(340 * 1024 * 1024) == "340.0 MB"
    assert format_size(3 * 1024 ** 3 // 2) == "1.5 GB"


def test_the_data_folder_is_measured_off_the_gui_thread(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 1)))
    qtbot.waitUntil(all_done(window, 1), timeout=10_000)
    said: list[str] = []
    engine = window.session.engine
    assert engine is not None
    measure_data_folder(window, window.pools, engine, said.append)
    qtbot.waitUntil(lambda: bool(said), timeout=5000)
    QCoreApplication.processEvents()
    assert said[0].endswith(("kB", "MB"))
