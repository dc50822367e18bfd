"""Consent before spending, against the stand-in Gemini server: in live mode a batch that costs
more than the setting waits for Start (nothing is sent before), Not now keeps it queued on hold
(free cut-outs run past it) and Resume asks again, a batch below the setting starts at once, and
photos left from before, Retry failed, the samples and a switch from demo mode all pass the same
one question. Demo mode never asks."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox, QPushButton
from pytestqt.qtbot import QtBot

from app.core.config import Config, load_config
from app.core.engine import Engine
from app.core.job import JobStatus
from app.core.secrets import SERVICE, USERNAME
from app.gui import feedback as feedback_module
from app.gui.main_window import MainWindow
from tests.fakes import MemoryKeyring
from tests.gemini_standin import API_KEY, GeminiStandIn
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import drop, mime_with


@pytest.fixture
def standin() -> Iterator[GeminiStandIn]:
    with GeminiStandIn() as server:
        yield server


@pytest.fixture
def live(data_dir: Path, out_dir: Path, tmp_path: Path, standin: GeminiStandIn,
         memory_keyring: MemoryKeyring) -> Callable[..., Config]:
    """A live configuration on the stand-in, its key in the (test) keyring; ``env`` adds to it."""
    memory_keyring.items[(SERVICE, USERNAME)] = API_KEY

    def make(**env: str) -> Config:
        return load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                                "PRODUCTSNAP_OUTPUT_DIR": str(out_dir),
                                "IMAGE_GENERATION_MODE": "live",
                                "NANO_BANANA_API_URL": standin.url, **env}, cwd=tmp_path)
    return make


@pytest.fixture
def questions(monkeypatch: pytest.MonkeyPatch) -> list[QMessageBox]:
    """Every question the window would open, kept here unopened for the test to answer."""
    asked: list[QMessageBox] = []
    monkeypatch.setattr(feedback_module, "show_question", asked.append)
    return asked


def answer(box: QMessageBox, start: bool) -> None:
    button = box.findChild(QPushButton, "start" if start else "later")
    assert button is not None
    button.click()


def posts(standin: GeminiStandIn) -> list[object]:
    return [r for r in standin.requests if r.method == "POST"]


def queued(window: MainWindow, count: int) -> Callable[[], bool]:
    return lambda: (window.model.rowCount() == count
                    and window.model.counts()[JobStatus.QUEUED] == count)


def completed(window: MainWindow, count: int) -> Callable[[], bool]:
    return lambda: window.model.counts()[JobStatus.COMPLETED] == count


def open_paused(qtbot: QtBot, open_window: WindowFactory, config: Config) -> MainWindow:
    """A window whose queue the user pauses the moment it has started: what is added waits."""
    window = open_window(config, wait=False)
    session = window.session

    def opened() -> None:
        assert session.queue is not None
        session.queue.started.connect(lambda _count: session.queue.pause())

    session.opened.connect(opened)
    with qtbot.waitSignal(session.history_finished, timeout=10_000):
        pass
    qtbot.waitUntil(lambda: session.queue is not None and session.queue.is_paused,
                    timeout=10_000)
    return window


PRO = {"NANO_BANANA_MODEL": "gemini-3-pro-image"}  # $0.134 an image at 1K: 4 are above $0.50


def test_a_batch_above_the_setting_waits_for_start(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        standin: GeminiStandIn, questions: list[QMessageBox], tmp_path: Path) -> None:
    window = open_window(live(**PRO))
    drop(window, mime_with(make_photos(tmp_path / "p", 4)))
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    box = questions[0]
    assert box.text() == ("Make 4 photos in White packshot with gemini-3-pro-image at 1K: "
                          "about $0.54.")
    qtbot.waitUntil(queued(window, 4), timeout=5000)
    assert window.session.queue.held_count == 4
    assert posts(standin) == []  # nothing sent before Start

    answer(box, start=True)
    qtbot.waitUntil(completed(window, 4), timeout=20_000)
    assert len(posts(standin)) == 4
    assert len(questions) == 1  # asked once

    # "Make another version" of them is a new expense: the same question.
    window.session.queue.make_another_version([j.id for j in window.model.jobs()])
    qtbot.waitUntil(lambda: len(questions) == 2, timeout=10_000)
    assert questions[1].text().startswith("Make 4 photos in White packshot")
    qtbot.wait(200)
    assert len(posts(standin)) == 4
    answer(questions[1], start=False)


def test_not_now_keeps_the_photos_queued_and_resume_asks_again(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        standin: GeminiStandIn, questions: list[QMessageBox], tmp_path: Path) -> None:
    window = open_window(live())  # "automatic": the price waits for the model to be chosen
    drop(window, mime_with(make_photos(tmp_path / "p", 14)))
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    assert questions[0].text() == ("Make 14 photos in White packshot with "
                                   "gemini-2.5-flash-image at 1K: about $0.54.")
    answer(questions[0], start=False)

    banner = window.banners.banner("resume")
    assert banner is not None
    assert banner.text == ("14 photos wait in the queue until you start them. Making them "
                           "costs about $0.54.")
    qtbot.waitUntil(queued(window, 14), timeout=5000)
    window.refresh_ui()
    assert window.session.queue.only_held_left
    assert "14 waiting for Start" in window.batch_panel.label.text()
    assert "left" not in window.batch_panel.label.text()  # no time guessed while waiting
    assert window.batch_panel.pause_button.text() == "Start…"
    assert "paused" not in window.status.counts_label.text()  # nobody paused anything

    banner.buttons["resume"].click()  # "Start…": the same question again
    qtbot.waitUntil(lambda: len(questions) == 2, timeout=5000)
    answer(questions[1], start=False)
    window.batch_panel.pause_button.click()  # the batch line's Start… asks too
    qtbot.waitUntil(lambda: len(questions) == 3, timeout=5000)
    answer(questions[2], start=False)
    qtbot.wait(200)
    assert posts(standin) == []
    assert window.model.counts()[JobStatus.QUEUED] == 14


def test_a_batch_below_the_setting_starts_at_once_and_shows_its_cost(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        questions: list[QMessageBox], tmp_path: Path) -> None:
    window = open_paused(qtbot, open_window, live())  # so that the batch line can be read
    qtbot.waitUntil(lambda: window.session.model_choice() is not None, timeout=10_000)
    drop(window, mime_with(make_photos(tmp_path / "p", 2)))
    qtbot.waitUntil(queued(window, 2), timeout=5000)
    window.refresh_ui()
    assert "about $0.08 to go" in window.batch_panel.label.text()  # 2 x $0.039
    window.resume_queue()  # approved at once: Resume asks nothing
    qtbot.waitUntil(completed(window, 2), timeout=20_000)
    assert questions == []

    drop(window, mime_with(make_photos(tmp_path / "q", 3, "more")))
    qtbot.waitUntil(completed(window, 5), timeout=20_000)
    assert questions == []


def test_photos_left_from_before_are_asked_about_once(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        mock_config: Config, standin: GeminiStandIn, questions: list[QMessageBox],
        tmp_path: Path) -> None:
    engine = Engine(mock_config)
    engine.add_photos(make_photos(tmp_path / "left", 14), "studio_white")
    engine.close()
    window = open_window(live(), wait=False)
    assert window.status.mode_label.text() == "Live · automatic"
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    box = questions[0]
    # "automatic" has no price until it has chosen: the question waits for the choice.
    assert box.text() == ("Make 14 photos in White packshot with gemini-2.5-flash-image at 1K: "
                          "about $0.54.")
    assert box.informativeText().startswith("They were not finished last time.")
    assert window.session.queue.held_count == 14
    assert all(j.status is JobStatus.QUEUED for j in window.model.jobs())
    qtbot.wait(300)
    assert len(questions) == 1  # one question, not one for the start and one for the jobs
    assert all(r.method == "GET" for r in standin.requests)  # nothing sent before "yes"
    answer(box, start=True)
    qtbot.waitUntil(completed(window, 14), timeout=30_000)


def test_retry_failed_goes_through_the_same_question(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        standin: GeminiStandIn, questions: list[QMessageBox], tmp_path: Path) -> None:
    config = live(**PRO)
    engine = Engine(config)
    result = engine.add_photos(make_photos(tmp_path / "f", 4), "flat_lay")
    for job in result.jobs:
        engine.store.fail(job.id, "The image service was busy.")
    engine.close()
    window = open_window(config)
    qtbot.wait(200)
    assert questions == []  # nothing queued: nothing to ask

    window.batch_panel.retry_failed_clicked.emit()
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    assert questions[0].text() == ("Make 4 photos in Flat lay with gemini-3-pro-image at 1K: "
                                   "about $0.54.")
    qtbot.waitUntil(queued(window, 4), timeout=5000)
    assert posts(standin) == []
    answer(questions[0], start=False)
    assert posts(standin) == []


def test_the_samples_pass_the_same_question_and_zero_asks_always(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        standin: GeminiStandIn, questions: list[QMessageBox]) -> None:
    window = open_window(live(PRODUCTSNAP_ASK_ABOVE_USD="0"))
    window.add_samples()
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    assert questions[0].text().startswith("Make 2 photos in White packshot with ")
    answer(questions[0], start=False)
    qtbot.wait(200)
    assert posts(standin) == []


def test_switching_from_demo_to_live_does_not_run_demo_photos_paid(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        mock_config: Config, standin: GeminiStandIn, questions: list[QMessageBox],
        tmp_path: Path) -> None:
    window = open_paused(qtbot, open_window, mock_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 14)))
    qtbot.waitUntil(queued(window, 14), timeout=5000)
    assert questions == []  # demo mode never asks

    window.config_saved(live())
    window.resume_queue()
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    assert questions[0].text().startswith("Make 14 photos in White packshot")
    answer(questions[0], start=False)
    qtbot.wait(200)
    assert posts(standin) == []


def test_demo_mode_never_asks(qtbot: QtBot, open_window: WindowFactory, mock_config: Config,
                              questions: list[QMessageBox], tmp_path: Path) -> None:
    window = open_window(mock_config)
    requested: list[object] = []
    window.session.gate.approval_requested.connect(requested.append)
    drop(window, mime_with(make_photos(tmp_path / "p", 20)))
    qtbot.waitUntil(completed(window, 20), timeout=30_000)
    assert questions == [] and requested == []


def test_free_cut_outs_run_in_live_mode_without_a_question_or_a_request(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        standin: GeminiStandIn, questions: list[QMessageBox], tmp_path: Path) -> None:
    from tests.test_cutout_jobs import product_photo

    window = open_window(live(PRODUCTSNAP_ASK_ABOVE_USD="0", **PRO))  # 0: asks before any cost
    window.style_picker.set_current_style("cutout_white")
    # Three sizes: the same photo twice would be skipped as a duplicate.
    photos = [str(product_photo(tmp_path / "p" / f"bottle{n}.jpg", (600 + 20 * n, 450))[0])
              for n in range(3)]
    window.take_paths(photos)
    qtbot.waitUntil(completed(window, 3), timeout=30_000)
    assert questions == []
    assert posts(standin) == []
    assert all(job.cost_usd == 0.0 and job.mode == "live" for job in window.model.jobs())

    # Paid photos after them still ask first.
    window.style_picker.set_current_style("studio_white")
    drop(window, mime_with(make_photos(tmp_path / "paid", 1)))
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    assert posts(standin) == []
    answer(questions[0], start=False)


def test_free_cut_outs_run_past_paid_photos_waiting_for_a_yes(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        standin: GeminiStandIn, questions: list[QMessageBox], tmp_path: Path) -> None:
    from tests.test_cutout_jobs import product_photo

    window = open_window(live(PRODUCTSNAP_ASK_ABOVE_USD="0", **PRO))
    drop(window, mime_with(make_photos(tmp_path / "paid", 2)))
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)

    def cut_outs(folder: str, sizes: range) -> list[str]:
        # Each its own size: the same photo twice would be skipped as a duplicate.
        return [str(product_photo(tmp_path / folder / f"bottle{n}.jpg", (600 + 20 * n, 450))[0])
                for n in sizes]

    window.style_picker.set_current_style("cutout_white")
    window.take_paths(cut_outs("free", range(2)))  # while the question is open
    qtbot.waitUntil(completed(window, 2), timeout=30_000)
    assert questions[0].text().startswith("Make 2 photos in White packshot")  # the paid two

    answer(questions[0], start=False)
    window.take_paths(cut_outs("after", range(2, 5)))  # after "Not now"
    qtbot.waitUntil(completed(window, 5), timeout=30_000)
    assert len(questions) == 1
    assert window.model.counts()[JobStatus.QUEUED] == 2
    window.refresh_ui()
    assert window.batch_panel.pause_button.text() == "Start…"  # the paid two wait for it
    assert posts(standin) == []

    window.batch_panel.pause_button.click()
    qtbot.waitUntil(lambda: len(questions) == 2, timeout=5000)
    answer(questions[1], start=True)
    qtbot.waitUntil(completed(window, 7), timeout=30_000)
    assert len(posts(standin)) == 2


def test_resume_then_not_now_runs_what_needs_no_yes(
        qtbot: QtBot, open_window: WindowFactory, live: Callable[..., Config],
        standin: GeminiStandIn, questions: list[QMessageBox], tmp_path: Path) -> None:
    from tests.test_cutout_jobs import product_photo

    window = open_paused(qtbot, open_window, live(PRODUCTSNAP_ASK_ABOVE_USD="0", **PRO))
    drop(window, mime_with(make_photos(tmp_path / "paid", 2)))
    qtbot.waitUntil(lambda: len(questions) == 1, timeout=10_000)
    window.style_picker.set_current_style("cutout_white")
    window.take_paths([str(product_photo(tmp_path / "free" / f"bottle{n}.jpg",
                                         (600 + 20 * n, 450))[0]) for n in range(2)])
    qtbot.waitUntil(queued(window, 4), timeout=10_000)
    answer(questions[0], start=False)
    qtbot.wait(300)
    assert window.model.counts()[JobStatus.QUEUED] == 4  # the user's pause still holds
    window.refresh_ui()
    assert "paused" in window.batch_panel.label.text()
    assert window.batch_panel.pause_button.text() == "Resume"

    window.batch_panel.pause_button.click()  # Resume: asks about the paid two first
    qtbot.waitUntil(lambda: len(questions) == 2, timeout=5000)
    answer(questions[1], start=False)
    qtbot.waitUntil(completed(window, 2), timeout=30_000)  # the free two ran
    assert window.model.counts()[JobStatus.QUEUED] == 2
    assert posts(standin) == []
