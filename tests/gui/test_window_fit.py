"""The window fits the screen it is on: the first size from the screen's free area, a size saved
on a big monitor brought back within a laptop's screen, a header that wraps rather than holds
the window wide, and a detail view that shares the window instead of growing it."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QMargins, QRect, QSettings, QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.core.job import Job, JobStatus
from app.gui.header_row import FIRST_LINE, OWN_LINE, SECOND_LINE
from app.gui.main_window import MainWindow
from app.gui.pools import Pools
from app.gui.session import AppSession
from app.gui.window_fit import FRAME_GUESS, PREFERRED, first_geometry, fit_to_screen
from tests.gui.conftest import WindowFactory

LAPTOP = QRect(0, 0, 1366, 768)
SMALL = QRect(0, 0, 1024, 640)
FRAME = QMargins(1, 30, 1, 1)


def inside(window: QRect, frame: QMargins, screen: QRect) -> bool:
    return screen.contains(window.marginsAdded(frame))


# -- the arithmetic --------------------------------------------------------------------------------

@pytest.mark.parametrize("screen", [SMALL, LAPTOP, QRect(1920, 0, 1366, 740)])
def test_a_window_saved_on_a_big_monitor_is_brought_within_a_laptop_screen(
        screen: QRect) -> None:
    saved = QRect(200, 120, 2400, 1400)  # the big monitor's size and place
    fitted = fit_to_screen(saved, screen, FRAME)
    assert inside(fitted, FRAME, screen)
    assert fitted.size() == QSize(screen.width() - 2, screen.height() - 31)


def test_a_window_that_fits_keeps_its_size_and_place_one_that_sticks_out_moves_in() -> None:
    fits = QRect(100, 80, 900, 500)
    assert fit_to_screen(fits, LAPTOP, FRAME) == fits
    off_right = QRect(1000, 300, 900, 500)  # moved from a second screen on the right
    moved = fit_to_screen(off_right, LAPTOP, FRAME)
    assert moved.size() == off_right.size() and inside(moved, FRAME, LAPTOP)
    off_top = QRect(-50, -200, 600, 400)
    assert inside(fit_to_screen(off_top, LAPTOP, FRAME), FRAME, LAPTOP)


def test_the_first_size_comes_from_the_screen() -> None:
    small = first_geometry(SMALL, FRAME)
    assert inside(small, FRAME, SMALL)
    assert small.width() >= SMALL.width() - 2  # a small screen: all of it
    big = first_geometry(QRect(0, 0, 2560, 1440), FRAME)
    assert big.size() == PREFERRED  # a big one: the preferred size, centred
    assert abs(big.center().x() - 1280) <= 1
    # The free area excludes a task bar at the bottom: the status bar stays above it.
    with_taskbar = QRect(0, 0, 1366, 728)
    assert inside(first_geometry(with_taskbar, FRAME), FRAME, with_taskbar)


# -- the real window -----------------------------------------------------------------------------

@pytest.fixture
def bare_window(qtbot: QtBot, mock_config: Config) -> Iterator[list[MainWindow]]:
    """Windows made as the app makes them (without the test fixture's resize)."""
    made: list[MainWindow] = []
    yield made
    for window in made:
        window.session.shutdown(10_000)
        QCoreApplication.processEvents()
        window.close()


def make_window(qtbot: QtBot, config: Config, made: list[MainWindow]) -> MainWindow:
    window = MainWindow(AppSession(config, Pools()))
    window.commands.confirm_quit = lambda: True  # type: ignore[method-assign]
    qtbot.addWidget(window)
    made.append(window)
    return window


def test_the_saved_size_of_a_big_monitor_is_fitted_when_the_window_opens(
        qtbot: QtBot, mock_config: Config, bare_window: list[MainWindow]) -> None:
    available = QGuiApplication.primaryScreen().availableGeometry()
    big = QMainWindow()
    big.setGeometry(30, 30, available.width() + 900, available.height() + 500)
    folder = mock_config.paths.config
    folder.mkdir(parents=True, exist_ok=True)
    settings = QSettings(str(folder / "window.ini"), QSettings.Format.IniFormat)
    settings.setValue("geometry", big.saveGeometry())
    settings.sync()

    window = make_window(qtbot, mock_config, bare_window)
    assert inside(window.geometry(), FRAME_GUESS, available)
    window.show()
    qtbot.waitExposed(window)
    assert window.height() <= available.height() and window.width() <= available.width()


def test_the_first_window_takes_its_size_from_the_screen(
        qtbot: QtBot, mock_config: Config, bare_window: list[MainWindow]) -> None:
    available = QGuiApplication.primaryScreen().availableGeometry()
    window = make_window(qtbot, mock_config, bare_window)
    assert window.geometry() == first_geometry(available)


def test_the_window_needs_less_than_a_small_laptop_screen(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config) -> None:
    """Whatever the batch line says: the header wraps instead of holding the window wide."""
    window = open_window(mock_config)
    add_jobs(window, 30)
    window.refresh_ui()
    window.batch_panel.show()
    window.batch_panel.label.setText("1,234 of 5,678 done, about 3 h 20 min left · about "
                                     "$123.45 to go · 17 failed")
    window.show_detail(window.model.job_at(0).id)
    QCoreApplication.processEvents()
    needed = window.minimumSizeHint()
    assert needed.width() <= SMALL.width() - 16
    assert needed.height() <= SMALL.height() - 40

    header = window.header
    assert header.trail_line(2000) == FIRST_LINE
    assert header.trail_line(1100) in (SECOND_LINE, OWN_LINE)
    assert header.trail_line(700) == OWN_LINE


def add_jobs(window: MainWindow, count: int) -> list[Job]:
    """Finished jobs straight into the gallery (their files need not exist for the layout)."""
    base = Job(id="", source_path="", style="studio_white", status=JobStatus.COMPLETED,
               mode="mock", created_at=1000.0)
    jobs = [dataclasses.replace(base, id=f"fit{n:04}", source_path=f"/nowhere/p{n}.jpg",
                                created_at=1000.0 + n // 10) for n in range(count)]
    window.model.add_jobs(jobs)
    return jobs


@pytest.mark.parametrize("size", [QSize(1000, 590), QSize(1340, 720)])
def test_opening_the_detail_view_does_not_change_the_window_size(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, size: QSize) -> None:
    window = open_window(mock_config)
    add_jobs(window, 60)
    window.refresh_ui()
    window.resize(size)
    qtbot.waitUntil(lambda: window.size() == size, timeout=2000)
    gallery_width = window.gallery.width()

    target = window.model.job_at(37)
    window.gallery.select_ids([target.id])
    window.show_detail(target.id)
    qtbot.waitUntil(lambda: window.detail.width() > 0 and window.gallery.width() < gallery_width,
                    timeout=2000)
    qtbot.wait(50)
    assert window.size() == size
    # The tile shown in the detail view is still in view in the narrower gallery.
    viewport = window.gallery.viewport().rect()
    qtbot.waitUntil(lambda: viewport.intersects(
        window.gallery.visualRect(window.gallery.index_of(target.id))), timeout=2000)

    window.hide_detail()
    qtbot.wait(50)
    assert window.size() == size
    qtbot.waitUntil(lambda: window.gallery.viewport().rect().intersects(
        window.gallery.visualRect(window.gallery.index_of(target.id))), timeout=2000)


def test_a_long_file_name_does_not_widen_the_detail_view(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    (job,) = add_jobs(window, 1)
    long_name = "IMG_20240521_183455123_" + "x" * 120 + "_studio_white_demo.png"
    window.model.update_job(dataclasses.replace(job, output_path=str(tmp_path / long_name)))
    window.resize(1000, 590)
    window.show_detail(job.id)
    QCoreApplication.processEvents()
    assert window.detail.minimumSizeHint().width() <= 400
    assert window.size() == QSize(1000, 590)
    assert window.detail.fields["output"].toolTip() == str(tmp_path / long_name)
