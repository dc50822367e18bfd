"""Make another version: a finished photo made again in its style, as a new job linked to the
first, run to the end in demo mode; the first result stays. A photo added again in the same
style is still recognised as already made."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.core.job import Job, JobStatus
from app.gui import detail_view
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import all_done, drop, mime_with


def test_another_version_is_a_new_job_linked_to_the_first_and_runs_to_the_end(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 2)))
    qtbot.waitUntil(all_done(window, 2), timeout=10_000)
    first = next(j for j in window.model.jobs() if j.name == "photo001.jpg")

    window.gallery.select_ids([first.id])
    window.show_detail(first.id)
    button = window.detail.buttons[detail_view.ANOTHER]
    assert button.isEnabled() and button.isVisibleTo(window.detail)
    with qtbot.waitSignal(window.session.queue.jobs_added, timeout=5000):
        button.click()
    qtbot.waitUntil(all_done(window, 3), timeout=10_000)

    again = next(j for j in window.model.jobs() if j.parent_id == first.id)
    assert again.id != first.id
    assert (again.source_path, again.style) == (first.source_path, first.style)
    assert again.status is JobStatus.COMPLETED
    assert again.output_path and again.output_path != first.output_path
    assert Path(again.output_path).is_file() and Path(first.output_path).is_file()
    # The new version is where the user looks: first in the gallery, selected, in the detail.
    assert window.model.job_at(0).id == again.id
    assert window.gallery.selected_ids() == [again.id]
    qtbot.waitUntil(lambda: window.detail.job is not None and window.detail.job.id == again.id,
                    timeout=5000)


def test_the_menu_makes_a_version_of_each_finished_photo_selected(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 3)))
    qtbot.waitUntil(all_done(window, 3), timeout=10_000)
    window.actions_by_name["select_all"].trigger()
    window.actions_by_name["another_version"].trigger()
    qtbot.waitUntil(all_done(window, 6), timeout=15_000)
    parents = {j.parent_id for j in window.model.jobs() if j.parent_id}
    assert len(parents) == 3
    assert len(window.gallery.selected_ids()) == 3


def test_an_unfinished_photo_is_not_made_again_and_the_window_says_why(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config) -> None:
    window = open_window(mock_config)
    waiting = Job(id="waiting", source_path="/photos/p.jpg", style="studio_white",
                  status=JobStatus.QUEUED, mode="mock", created_at=1.0)
    window.model.add_jobs([waiting])
    window.commands.make_another_version([waiting.id])
    assert "Only a finished photo" in window.statusBar().currentMessage()
    window.show_detail(waiting.id)
    assert not window.detail.buttons[detail_view.ANOTHER].isVisibleTo(window.detail)
    assert window.detail.buttons[detail_view.CANCEL].isVisibleTo(window.detail)
    qtbot.wait(200)
    assert window.model.rowCount() == 1


def test_the_same_photo_again_is_a_duplicate_and_can_still_be_made_again(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    """The duplicate banner offers "Make another version" (feedback.py, key "another-version");
    its handler is ``JobCommands.make_another_version`` with the duplicates' ids."""
    window = open_window(mock_config)
    (photo,) = make_photos(tmp_path / "p", 1)
    drop(window, mime_with([photo]))
    qtbot.waitUntil(all_done(window, 1), timeout=10_000)
    drop(window, mime_with([photo]))
    qtbot.waitUntil(lambda: window.banners.banner("duplicates") is not None, timeout=10_000)
    assert window.model.rowCount() == 1
    duplicate = window.model.job_at(0)

    window.commands.make_another_version([duplicate.id])
    qtbot.waitUntil(all_done(window, 2), timeout=10_000)
    assert window.model.job_at(0).parent_id == duplicate.id
