"""The File menu's Add photos and Add folder (starting in the Pictures folder, offering every
kind of photo the app takes), "Retry failed" saying how many it retries, and a photo's note
("small photo") in the detail view."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import QFileDialog
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.core.job import Job, JobStatus
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import all_done


def test_add_photos_and_add_folder_start_in_pictures(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    window = open_window(mock_config)
    folder = tmp_path / "shop"
    make_photos(folder, 2, "top")
    make_photos(folder / "sub", 1, "deep")
    asked: list[tuple] = []

    def open_files(*args: object) -> tuple[list[str], str]:
        asked.append(args)
        return [], ""

    def open_folder(*args: object) -> str:
        asked.append(args)
        return str(folder)

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(open_files))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(open_folder))
    pictures = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)

    window.actions_by_name["add"].trigger()
    _parent, _title, start, filters = asked[0]
    assert start == pictures
    assert "*.avif" in filters and "*.heic" in filters

    window.actions_by_name["add_folder"].trigger()
    assert asked[1][2] == pictures
    qtbot.waitUntil(all_done(window, 3), timeout=15_000)  # the subfolder's photo too

    window.actions_by_name["add"].trigger()
    assert asked[2][2] == str(folder)  # then where the user was last


def failed_job(n: int, **values: object) -> Job:
    base = Job(id=f"failed{n}", source_path=f"/photos/f{n}.jpg", style="studio_white",
               status=JobStatus.FAILED, mode="mock", created_at=float(n),
               error="The image service did not finish this photo. Try again.")
    return dataclasses.replace(base, **values)


def test_retry_failed_says_how_many_it_retries(open_window: WindowFactory,
                                               mock_config: Config) -> None:
    window = open_window(mock_config)
    action = window.actions_by_name["retry_failed"]
    window.refresh_ui()
    assert not action.isEnabled()
    window.model.add_jobs([failed_job(1), failed_job(2), failed_job(3, error_kind="photo")])
    window.refresh_ui()
    assert action.text().replace("&", "") == "Retry 2 Failed"
    assert action.isEnabled()


def test_a_photo_s_note_is_shown_in_the_detail_view(open_window: WindowFactory,
                                                    mock_config: Config) -> None:
    window = open_window(mock_config)
    note = "small photo: the result may lack detail"
    done = dataclasses.replace(failed_job(1), status=JobStatus.COMPLETED, error=None,
                               warning=note)
    window.model.add_jobs([done, failed_job(2)])
    window.show_detail(done.id)
    assert window.detail.warning.isVisibleTo(window.detail)
    assert window.detail.warning_text.text() == note
    window.show_detail("failed2")
    assert not window.detail.warning.isVisibleTo(window.detail)
