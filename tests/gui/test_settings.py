"""Settings: the round trip (the key to a test keyring, never to the settings file), values locked
by the environment, no keyring at all, and the key check against the stand-in Gemini server."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
import qasync
from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.core.config import Config, Mode, load_config
from app.core.secrets import SERVICE, USERNAME
from app.gui.async_tasks import run_coroutine
from app.gui.pools import Pools
from app.gui.settings_dialog import SettingsDialog
from tests.fakes import MemoryKeyring
from tests.gemini_standin import API_KEY, GeminiStandIn


@pytest.fixture
def plain_config(data_dir: Path, tmp_path: Path) -> Config:
    """Nothing set by the environment but the data folder: every setting can be changed."""
    return load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir)}, cwd=tmp_path)


@pytest.fixture
def standin() -> Iterator[GeminiStandIn]:
    with GeminiStandIn() as server:
        yield server


def dialog_for(qtbot: QtBot, config: Config) -> SettingsDialog:
    dialog = SettingsDialog(config, Pools())
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.key.probed, timeout=5000):
        dialog.show()
    return dialog


def test_settings_round_trip_keeps_the_key_out_of_the_settings_file(
        qtbot: QtBot, plain_config: Config, memory_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, plain_config)
    assert dialog.demo.isChecked() and dialog.demo.isEnabled()
    assert "No key stored yet" in dialog.key.status.text()
    assert "MemoryKeyring" in dialog.key.status.text()

    dialog.key.edit.setText("AIza" "SyRoundTripKey-0123456789abcdefghijk")
    with qtbot.waitSignal(dialog.key.key_stored, timeout=5000):
        dialog.key.save_key()  # stored at once, before OK
    stored = memory_keyring.items[(SERVICE, USERNAME)]
    assert stored == "AIza" "SyRoundTripKey-0123456789abcdefghijk"
    assert dialog.key.edit.text() == ""
    assert "Saved in the system keyring" in dialog.key.status.text()

    dialog.demo.setChecked(False)
    dialog.parallel.setValue(7)
    dialog.start_on_drop.setChecked(False)
    dialog.model.select("gemini-3-pro-image")
    assert dialog.price.text() == "$0.134 per image"
    dialog.image_size.setCurrentIndex(dialog.image_size.findData("4K"))
    assert dialog.price.text() == "$0.240 per image"
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as saved:
        dialog.save()
    new: Config = saved.args[0]
    assert new.mode is Mode.LIVE
    assert new.parallel == 7
    assert new.start_on_drop is False
    assert (new.model, new.image_size) == ("gemini-3-pro-image", "4K")

    text = plain_config.paths.settings_file.read_text()
    assert "AIzaSy" not in text and "api_key" not in text
    again = load_config(env={"PRODUCTSNAP_DATA_DIR": str(plain_config.paths.data)})
    assert (again.mode, again.parallel, again.model, again.image_size) == (
        Mode.LIVE, 7, "gemini-3-pro-image", "4K")


def test_values_set_by_the_environment_are_read_only_with_the_reason(
        qtbot: QtBot, data_dir: Path, tmp_path: Path) -> None:
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                              "IMAGE_GENERATION_MODE": "mock", "PRODUCTSNAP_PARALLEL": "3",
                              "NANO_BANANA_API_KEY": "AIza" "SyFromTheEnvironment-0123456789abc"},
                         cwd=tmp_path)
    dialog = dialog_for(qtbot, config)
    assert not dialog.demo.isEnabled()
    assert not dialog.parallel.isEnabled()
    assert dialog.reasons["parallel"] == ("Set by the environment variable "
                                          "PRODUCTSNAP_PARALLEL.")
    note = dialog.findChild(type(dialog.price), "locked-parallel")
    assert note is not None and "PRODUCTSNAP_PARALLEL" in note.text()
    assert not dialog.key.edit.isEnabled()
    assert "NANO_BANANA_API_KEY" in dialog.key.status.text()
    assert dialog.rpm.isEnabled()
    dialog.parallel.setValue(9)  # even if a value were changed, it is not sent
    dialog.rpm.setValue(30)
    assert dialog.changes() == {"rpm": 30}


def test_without_a_keyring_the_key_is_kept_for_this_session_only(
        qtbot: QtBot, plain_config: Config, no_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, plain_config)
    assert "No system keyring is available" in dialog.key.status.text()
    dialog.key.edit.setText("AIza" "SySessionOnlyKey-0123456789abcdefgh")
    with qtbot.waitSignal(dialog.session_key_set, timeout=5000) as kept:
        dialog.key.save_key()
    assert kept.args == ["AIza" "SySessionOnlyKey-0123456789abcdefgh"]
    assert "this session only" in dialog.key.status.text()
    assert no_keyring.items == {}
    assert not plain_config.paths.settings_file.exists() or "AIzaSy" not in \
        plain_config.paths.settings_file.read_text()


def test_the_key_check_asks_the_server_without_generating(
        qtbot: QtBot, data_dir: Path, tmp_path: Path, standin: GeminiStandIn) -> None:
    config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                              "NANO_BANANA_API_URL": standin.url}, cwd=tmp_path)
    dialog = dialog_for(qtbot, config)
    dialog.key.edit.setText("wrong-key-0123456789")
    with qtbot.waitSignal(dialog.key.key_checked, timeout=10_000) as checked:
        dialog.key.test_button.click()
    assert checked.args[0].ok is False
    assert dialog.key.result.text().startswith("✗")

    dialog.key.edit.setText(API_KEY)
    with qtbot.waitSignal(dialog.key.key_checked, timeout=10_000) as checked:
        dialog.key.test_button.click()
    assert checked.args[0].ok is True
    assert dialog.key.result.text().startswith("✓")
    assert all(r.method == "GET" for r in standin.requests)  # nothing generated, no cost


def test_coroutines_run_on_the_qasync_loop_when_it_runs(qapp: QApplication) -> None:
    pool = QThreadPool()

    async def main() -> tuple[str, int]:
        answer: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        how = run_coroutine(pool, lambda: asyncio.sleep(0, result=42),
                            on_done=answer.set_result, on_error=answer.set_exception)
        return how, await answer

    loop = qasync.QEventLoop(qapp)
    try:
        assert loop.run_until_complete(main()) == ("asyncio", 42)
    finally:
        loop.close()
        asyncio.set_event_loop(None)


def test_the_monthly_budget_is_saved_and_zero_means_none(
        qtbot: QtBot, plain_config: Config) -> None:
    dialog = dialog_for(qtbot, plain_config)
    assert dialog.budget.value() == 0 and dialog.budget.text() == "No budget"
    dialog.budget.setValue(20.0)
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as saved:
        dialog.save()
    assert saved.args[0].monthly_budget_usd == 20.0
    again = dialog_for(qtbot, saved.args[0])
    again.budget.setValue(0.0)
    with qtbot.waitSignal(again.settings_saved, timeout=5000) as cleared:
        again.save()
    assert cleared.args[0].monthly_budget_usd is None


def test_the_cut_out_colour_is_chosen_saved_and_read_back(
        qtbot: QtBot, plain_config: Config, memory_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, plain_config)
    assert dialog.backdrop.colour() == "#f2efe9"
    with qtbot.waitSignal(dialog.backdrop.colour_changed, timeout=1000) as changed:
        dialog.backdrop.set_colour("#3366CC")
    assert changed.args == ["#3366cc"] and dialog.backdrop.text() == "#3366cc"
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as saved:
        dialog.save()
    assert saved.args[0].backdrop_colour == "#3366cc"
    again = load_config(env={"PRODUCTSNAP_DATA_DIR": str(plain_config.paths.data)})
    assert again.backdrop_colour == "#3366cc"
