"""The API key in Settings works the way people expect: OK stores a key that was typed, a Test
that finds it working stores it too, a key Gemini refused is never stored (not by Test, not by
OK, not by OK pressed while the Test is still running); Settings says where to get a key, and a
note says so when Live is chosen without one. No sentence in Settings sends the user to Settings,
and none names an environment variable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.config import Config, load_config
from app.core.secrets import SERVICE, USERNAME
from app.gui.settings_dialog import SettingsDialog
from tests.fakes import MemoryKeyring
from tests.gemini_standin import API_KEY, GeminiStandIn
from tests.gui.test_settings import dialog_for

TYPED = "AIza" "SyTypedThenOk-0123456789abcdefghijkl"
REFUSED = "AIza" "SyRefusedByGemini-0123456789abcdefgh"


@pytest.fixture
def standin() -> Iterator[GeminiStandIn]:
    with GeminiStandIn() as server:
        yield server


@pytest.fixture
def config(data_dir: Path, tmp_path: Path, standin: GeminiStandIn) -> Config:
    return load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                            "NANO_BANANA_API_URL": standin.url}, cwd=tmp_path)


def ok(dialog: SettingsDialog) -> None:
    dialog.buttons.button(dialog.buttons.StandardButton.Ok).click()


def stored(keyring: MemoryKeyring) -> str | None:
    return keyring.items.get((SERVICE, USERNAME))


def test_ok_stores_the_key_that_was_typed(
        qtbot: QtBot, config: Config, memory_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, config)
    dialog.key.edit.setText(TYPED)
    # Neither Save nor Enter: OK alone. No setting changed, yet the window is told, so that
    # the next photo is sent with the new key.
    with qtbot.waitSignals([dialog.settings_saved, dialog.accepted], timeout=5000):
        ok(dialog)
    assert stored(memory_keyring) == TYPED


def test_ok_stores_the_typed_key_and_saves_the_settings(
        qtbot: QtBot, config: Config, memory_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, config)
    dialog.key.edit.setText(TYPED)
    dialog.demo.setChecked(False)
    dialog.ask_above.setValue(2.0)
    with qtbot.waitSignal(dialog.settings_saved, timeout=5000) as saved:
        ok(dialog)
    assert stored(memory_keyring) == TYPED
    assert saved.args[0].ask_above_usd == 2.0
    assert load_config(env={"PRODUCTSNAP_DATA_DIR": str(config.paths.data)}).ask_above_usd == 2.0


def test_a_good_test_stores_the_key(
        qtbot: QtBot, config: Config, memory_keyring: MemoryKeyring,
        standin: GeminiStandIn) -> None:
    dialog = dialog_for(qtbot, config)
    dialog.key.edit.setText(API_KEY)
    with qtbot.waitSignal(dialog.key.key_stored, timeout=10_000):
        dialog.key.test_button.click()
    assert stored(memory_keyring) == API_KEY
    assert dialog.key.result.text().startswith("✓ The key works")
    assert dialog.key.edit.text() == ""
    assert all(r.method == "GET" for r in standin.requests)


def test_a_refused_key_is_never_stored(
        qtbot: QtBot, config: Config, memory_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, config)
    dialog.key.edit.setText(REFUSED)
    with qtbot.waitSignal(dialog.key.test_finished, timeout=10_000):
        dialog.key.test_button.click()
    result = dialog.key.result.text()
    assert result.startswith("✗ Gemini refused this key.")
    assert "It was not saved" in result
    assert "Open Settings" not in result and "in Settings" not in result  # we are in Settings
    assert stored(memory_keyring) is None

    ok(dialog)  # OK does not store it either: the dialog stays, saying why
    qtbot.wait(200)
    assert dialog.isVisible()
    assert stored(memory_keyring) is None
    assert "refused this key, so it was not saved" in dialog.key.result.text()
    dialog.key.save_key()  # nor Save
    qtbot.wait(200)
    assert stored(memory_keyring) is None

    dialog.key.edit.clear()  # without the refused key, OK closes
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        ok(dialog)
    assert stored(memory_keyring) is None


def test_ok_during_a_test_waits_for_its_answer(
        qtbot: QtBot, data_dir: Path, tmp_path: Path, memory_keyring: MemoryKeyring) -> None:
    with GeminiStandIn(latency=0.5) as slow:
        config = load_config(env={"PRODUCTSNAP_DATA_DIR": str(data_dir),
                                  "NANO_BANANA_API_URL": slow.url}, cwd=tmp_path)
        dialog = dialog_for(qtbot, config)
        dialog.key.edit.setText(REFUSED)
        dialog.key.test_button.click()
        assert dialog.key.testing
        ok(dialog)  # pressed while Gemini has not answered yet
        with qtbot.waitSignal(dialog.key.test_finished, timeout=10_000):
            pass
        qtbot.wait(200)
        assert stored(memory_keyring) is None
        assert dialog.isVisible()


def test_settings_says_where_to_get_a_key(qtbot: QtBot, config: Config,
                                          memory_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, config)
    help_text = dialog.key.help.text()
    assert 'href="https://aistudio.google.com/apikey"' in help_text
    assert "1. Open" in help_text and "2. Click" in help_text and "3. Paste" in help_text
    assert "billing" in help_text
    assert dialog.key.help.openExternalLinks()

    memory_keyring.items[(SERVICE, USERNAME)] = API_KEY
    again = dialog_for(qtbot, config)
    assert "Need a new key?" in again.key.help.text()  # with a key: one line, not the steps


def test_choosing_live_without_a_key_says_so_in_settings(
        qtbot: QtBot, config: Config, memory_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, config)
    note = dialog.no_key_note
    assert dialog.demo.isChecked() and not note.isVisible()
    dialog.demo.setChecked(False)
    assert note.isVisible()
    assert "needs a Gemini API key" in note.text() and "Settings" not in note.text()
    dialog.key.edit.setText(TYPED)
    assert not note.isVisible()
    dialog.key.edit.clear()
    assert note.isVisible()
    dialog.demo.setChecked(True)
    assert not note.isVisible()

    memory_keyring.items[(SERVICE, USERNAME)] = API_KEY
    with_key = dialog_for(qtbot, config)
    with_key.demo.setChecked(False)
    assert not with_key.no_key_note.isVisible()


def test_without_a_keyring_no_environment_variable_is_named(
        qtbot: QtBot, config: Config, no_keyring: MemoryKeyring) -> None:
    dialog = dialog_for(qtbot, config)
    assert "No system keyring is available" in dialog.key.status.text()
    assert "NANO_BANANA" not in dialog.key.status.text()
    assert "NANO_BANANA" not in dialog.key.help.text()


def test_the_spending_question_setting_is_in_dollars(qtbot: QtBot, config: Config) -> None:
    dialog = dialog_for(qtbot, config)
    assert dialog.ask_above.prefix() == "$"
    assert dialog.ask_above.decimals() == 2
    assert dialog.ask_above.value() == 0.5
    assert dialog.ask_above.text() == "$0.50"
    assert "ask_above_usd" not in dialog.changes()
    dialog.ask_above.setValue(0)
    assert dialog.changes() == {"ask_above_usd": 0.0}
