"""Account problems as one banner against the stand-in Gemini server (queue paused, nothing failed,
fixed in Settings), and the batch-finished notification through each channel."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from app.core.batch import BatchProgress
from app.core.config import Config, Mode, load_config
from app.core.job import Job, JobStatus
from app.core.secrets import SERVICE, USERNAME
from app.core.usage import UsageTotals
from app.gui.banners import BannerArea, Kind
from app.gui.notifications import Channel, Notifier
from app.gui.status_bar import StatusBar
from tests.fakes import MemoryKeyring
from tests.gemini_standin import API_KEY, GeminiStandIn
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import drop, mime_with


@pytest.fixture
def standin() -> Iterator[GeminiStandIn]:
    with GeminiStandIn() as server:
        yield server


@pytest.fixture
def live_config(data_dir: Path, out_dir: Path, tmp_path: Path,
                standin: GeminiStandIn) -> Config:
    return load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                            "PRODUCTSNAP_OUTPUT_DIR": str(out_dir),
                            "IMAGE_GENERATION_MODE": "live",
                            "NANO_BANANA_API_URL": standin.url}, cwd=tmp_path)


def test_a_refused_key_shows_one_banner_pauses_the_queue_and_is_fixed_in_settings(
        qtbot: QtBot, open_window: WindowFactory, live_config: Config, tmp_path: Path,
        memory_keyring: MemoryKeyring, standin: GeminiStandIn) -> None:
    memory_keyring.items[(SERVICE, USERNAME)] = "AIza" "SyRefusedKey-0123456789abcdefghijk"
    window = open_window(live_config)
    assert window.banners.banner("demo") is None
    drop(window, mime_with(make_photos(tmp_path / "p", 3)))

    qtbot.waitUntil(lambda: window.banners.banner("account") is not None, timeout=15_000)
    banner = window.banners.banner("account")
    assert "The API key was refused" in banner.text
    assert "settings" in banner.buttons
    queue = window.session.queue
    assert queue.is_paused and queue.account_problem is not None
    qtbot.waitUntil(lambda: queue.running_count == 0, timeout=10_000)
    # The job that met the problem is read back from the store off the GUI thread.
    qtbot.waitUntil(lambda: window.model.counts()[JobStatus.QUEUED] == 3, timeout=10_000)
    assert window.model.counts()[JobStatus.FAILED] == 0  # not a wall of failed tiles

    # The fix: Settings, a working key (stored in the keyring at once), OK.
    banner.buttons["settings"].click()
    dialog = window.commands.settings_dialog
    assert dialog is not None
    with qtbot.waitSignal(dialog.key.probed, timeout=5000):
        pass
    dialog.key.edit.setText(API_KEY)
    with qtbot.waitSignal(dialog.key.key_stored, timeout=5000):
        dialog.key.save_key()
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()
    qtbot.waitUntil(lambda: window.model.counts()[JobStatus.COMPLETED] == 3, timeout=20_000)
    assert window.banners.banner("account") is None
    assert not queue.is_paused
    # What the three live results cost shows in the status bar as they finish.
    qtbot.waitUntil(lambda: window.status.spend_label.text() == "This month: $0.12 (3 images)",
                    timeout=10_000)


def test_live_mode_without_a_key_says_so_once(
        qtbot: QtBot, open_window: WindowFactory, live_config: Config, tmp_path: Path) -> None:
    window = open_window(live_config)
    drop(window, mime_with(make_photos(tmp_path / "p", 2)))
    qtbot.waitUntil(lambda: window.banners.banner("account") is not None, timeout=10_000)
    banner = window.banners.banner("account")
    assert banner.text == ("Live mode needs a Gemini API key: add it in Settings. The queue is "
                           "paused; your photos wait.")
    assert "NANO_BANANA" not in banner.text  # Settings is the way, not the environment
    assert list(banner.buttons) == ["settings"]
    assert window.model.counts()[JobStatus.FAILED] == 0


def _batch(completed: int, failed: int = 0, cancelled: int = 0) -> BatchProgress:
    batch = BatchProgress()
    for n in range(completed + failed + cancelled):
        status = (JobStatus.COMPLETED if n < completed else JobStatus.FAILED
                  if n < completed + failed else JobStatus.CANCELLED)
        batch.record(Job(id=f"j{n}", source_path=f"/p/{n}.jpg", style="studio_white",
                         status=status, mode="mock", created_at=0.0))
    return batch


@pytest.fixture
def host(qtbot: QtBot) -> tuple[QWidget, BannerArea]:
    window = QWidget()
    qtbot.addWidget(window)
    banners = BannerArea(window)
    return window, banners


def test_a_finished_batch_notifies_through_the_tray_when_the_window_is_behind(
        host: tuple[QWidget, BannerArea], monkeypatch: pytest.MonkeyPatch) -> None:
    window, banners = host
    notifier = Notifier(window, banners, QIcon(), tray_available=lambda: True)
    shown: list[tuple] = []
    monkeypatch.setattr("PySide6.QtWidgets.QSystemTrayIcon.showMessage",
                        lambda self, *args: shown.append(args))
    assert notifier.batch_finished(_batch(12, 1)) is Channel.TRAY
    assert shown[0][:2] == ("ProductSnap", "12 product photos ready, 1 failed")
    assert banners.banner("finished") is None


def test_without_a_tray_the_notice_is_shown_in_the_window(
        host: tuple[QWidget, BannerArea]) -> None:
    window, banners = host
    notifier = Notifier(window, banners, QIcon(), tray_available=lambda: False)
    assert notifier.batch_finished(_batch(1)) is Channel.IN_WINDOW
    assert banners.banner("finished").text == "1 product photo ready"


def test_no_notification_when_the_user_is_looking_or_has_turned_them_off(
        host: tuple[QWidget, BannerArea], monkeypatch: pytest.MonkeyPatch) -> None:
    window, banners = host
    notifier = Notifier(window, banners, QIcon(), tray_available=lambda: True)
    said: list[str] = []
    notifier.status_message = said.append
    assert notifier.batch_finished(_batch(3), enabled=False) is Channel.NONE
    monkeypatch.setattr(window, "isActiveWindow", lambda: True)
    assert notifier.batch_finished(_batch(3)) is Channel.WINDOW_ACTIVE
    assert said == ["3 product photos ready"]


def test_a_batch_cancelled_whole_is_not_announced(host: tuple[QWidget, BannerArea]) -> None:
    window, banners = host
    notifier = Notifier(window, banners, QIcon(), tray_available=lambda: False)
    said: list[str] = []
    notifier.notified.connect(lambda _channel, text: said.append(text))
    assert notifier.batch_finished(_batch(0, cancelled=5)) is Channel.NONE
    assert banners.banner("finished") is None and said == []
    # Nothing made but some failed: said, and not as a success.
    assert notifier.batch_finished(_batch(0, failed=2)) is Channel.IN_WINDOW
    banner = banners.banner("finished")
    assert banner.text == "No product photos made, 2 failed"
    assert banner.kind is Kind.WARNING


def test_one_image_is_one_image_in_the_status_bar(qtbot: QtBot) -> None:
    bar = StatusBar()
    qtbot.addWidget(bar)
    bar.set_spend(UsageTotals(images=1, cost_usd=0.039), Mode.LIVE)
    assert bar.spend_label.text() == "This month: $0.04 (1 image)"
    bar.set_spend(UsageTotals(images=3, cost_usd=0.117), Mode.LIVE)
    assert bar.spend_label.text() == "This month: $0.12 (3 images)"
