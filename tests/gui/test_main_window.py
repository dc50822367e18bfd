"""The main window against the real engine in mock mode: drops of files and folders, paste,
duplicates, history across restarts, shortcuts, the detail view, Delete, the runner lock."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QLockFile, QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage, QKeySequence
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.config import Config, load_config
from app.core.engine import Engine
from app.core.job import JobStatus
from app.gui import session as session_module
from app.gui.main_window import MainWindow
from tests.gui.conftest import WindowFactory, make_photos


def mime_with(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(window: MainWindow, mime: QMimeData) -> QDropEvent:
    pos = QPointF(window.width() / 2, window.height() / 2)
    enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    return event


def all_done(window: MainWindow, count: int) -> Callable[[], None]:
    def check() -> None:
        assert window.model.rowCount() == count
        assert window.model.counts()[JobStatus.COMPLETED] == count
    return check


def test_first_start_shows_the_demo_banner_and_the_drop_target(
        open_window: WindowFactory, mock_config: Config) -> None:
    window = open_window(mock_config)
    banner = window.banners.banner("demo")
    assert banner is not None
    assert banner.text == ("Demo mode: scenes are simulated offline and free; cut-outs are "
                           "real. Add your Gemini API key in Settings to create real scenes.")
    assert window.stack.currentWidget() is window.empty
    assert window.status.mode_label.text() == "Demo"


def test_dropping_files_and_a_folder_runs_them_and_names_what_is_not_a_photo(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    loose = make_photos(tmp_path / "loose", 2, "loose")
    folder = tmp_path / "shop"
    make_photos(folder, 2, "top")
    make_photos(folder / "sub", 1, "deep")  # folders are walked recursively
    (folder / "prices.csv").write_text("a,b\n")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a photo")

    event = drop(window, mime_with([*loose, folder, notes]))
    assert event.isAccepted()
    qtbot.waitUntil(all_done(window, 5), timeout=20_000)
    assert window.stack.currentWidget() is window.gallery
    names = sorted(j.name for j in window.model.jobs())
    assert names == ["deep000.jpg", "loose000.jpg", "loose001.jpg", "top000.jpg", "top001.jpg"]
    skipped = window.banners.banner("skipped")
    assert skipped is not None
    assert "notes.txt" in skipped.text and "prices.csv" in skipped.text
    # The output folder holds the results.
    assert len(list((Path(mock_config.output_dir) / "Demo").glob("*_demo.png"))) == 5


def test_a_drag_without_files_is_refused(open_window: WindowFactory,
                                         mock_config: Config) -> None:
    window = open_window(mock_config)
    mime = QMimeData()
    mime.setText("just words")
    enter = QDragEnterEvent(window.rect().center(), Qt.DropAction.CopyAction, mime,
                            Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert not enter.isAccepted()


def test_the_same_photo_twice_in_the_same_style_is_not_made_again(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    (photo,) = make_photos(tmp_path / "p", 1)
    drop(window, mime_with([photo]))
    qtbot.waitUntil(all_done(window, 1), timeout=10_000)
    copy = tmp_path / "copy-of-photo.jpg"
    copy.write_bytes(photo.read_bytes())
    drop(window, mime_with([copy]))
    qtbot.waitUntil(lambda: window.banners.banner("duplicates") is not None, timeout=10_000)
    assert window.model.rowCount() == 1
    assert "already made in this style" in window.banners.banner("duplicates").text


def test_pasting_a_picture_adds_it(qtbot: QtBot, open_window: WindowFactory,
                                   mock_config: Config) -> None:
    window = open_window(mock_config)
    image = QImage(500, 400, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkCyan)
    QGuiApplication.clipboard().setImage(image)
    window.paste()
    qtbot.waitUntil(all_done(window, 1), timeout=10_000)
    assert window.model.job_at(0).name.startswith("pasted-")


def test_start_on_drop_off_waits_for_generate(qtbot: QtBot, open_window: WindowFactory,
                                              mock_env: dict[str, str], tmp_path: Path) -> None:
    config = load_config(env=mock_env, cwd=tmp_path)
    config.settings.save({"start_on_drop": False})
    config = load_config(env=mock_env, cwd=tmp_path)
    window = open_window(config)
    photos = make_photos(tmp_path / "p", 2)
    drop(window, mime_with(photos))
    assert window.intake.staged == [str(p) for p in photos]
    assert window.staging.isVisibleTo(window)
    assert window.model.rowCount() == 0
    window.style_picker.set_current_style("flat_lay")
    window.generate()
    qtbot.waitUntil(all_done(window, 2), timeout=10_000)
    assert {j.style for j in window.model.jobs()} == {"flat_lay"}


def test_history_shows_earlier_jobs_also_from_the_command_line(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    engine = Engine(mock_config)  # as `productsnap generate` would
    result = engine.add_photos(make_photos(tmp_path / "cli", 3), "studio_white")
    for job in result.jobs[:2]:
        engine.process(job.id)
    engine.close()

    window = open_window(mock_config)
    assert window.model.rowCount() == 3
    # The unfinished one resumes on start (mock mode: without asking).
    qtbot.waitUntil(all_done(window, 3), timeout=10_000)


def test_shortcuts_are_the_usual_ones(open_window: WindowFactory, mock_config: Config) -> None:
    window = open_window(mock_config)
    actions = window.actions_by_name
    assert QKeySequence("Ctrl+O") in actions["add"].shortcuts()
    assert QKeySequence("Ctrl+,") in actions["settings"].shortcuts()
    assert QKeySequence("Ctrl+Q") in actions["quit"].shortcuts()
    assert QKeySequence("Ctrl+A") in actions["select_all"].shortcuts()
    assert QKeySequence(QKeySequence.StandardKey.Delete) in actions["remove"].shortcuts()
    assert QKeySequence("Ctrl+V") in actions["paste"].shortcuts()


def test_detail_view_delete_and_select_all(qtbot: QtBot, open_window: WindowFactory,
                                           mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 3)))
    qtbot.waitUntil(all_done(window, 3), timeout=10_000)

    first = window.model.job_at(0)
    window.gallery.job_activated.emit(first.id)  # what a double-click does
    assert window.detail.isVisible()
    assert window.detail.title.text() == first.name
    assert window.detail.fields["mode"].text() == "Demo (offline, free)"
    assert window.detail.buttons["retry"].isEnabled() is False
    qtbot.waitUntil(lambda: window.detail.compare._after is not None, timeout=5000)

    window.actions_by_name["select_all"].trigger()
    assert len(window.gallery.selected_ids()) == 3
    window.gallery.select_ids([first.id])
    with qtbot.waitSignal(window.session.queue.jobs_removed, timeout=5000):
        window.actions_by_name["remove"].trigger()
    assert window.model.rowCount() == 2
    # The detail view moves on to the next photo (or closes): never a removed job.
    assert not window.detail.isVisible() or window.detail.job.id != first.id
    # The exported file stays; only the list entry and private copies go.
    assert Path(first.output_path).exists()


def test_a_queue_held_by_the_command_line_is_not_run_until_free(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(session_module, "LOCK_POLL_MS", 100)
    mock_config.paths.ensure()
    other = QLockFile(str(mock_config.paths.data / "runner.lock"))
    assert other.tryLock(0)
    window = open_window(mock_config)
    assert window.banners.banner("lock") is not None
    assert window.session.queue.is_paused
    drop(window, mime_with(make_photos(tmp_path / "p", 1)))
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=5000)
    assert window.model.job_at(0).status is JobStatus.QUEUED

    other.unlock()
    qtbot.waitUntil(all_done(window, 1), timeout=10_000)
    assert window.banners.banner("lock") is None
