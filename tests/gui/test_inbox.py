"""A second start of the app ("Open with" while it is open) hands its photos to the open window."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QLockFile
from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.gui.inbox import Inbox, hand_off, inbox_dir
from app.gui.pools import Pools
from tests.gui.conftest import WindowFactory, make_photos


def test_no_hand_off_when_no_window_holds_the_queue(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    assert hand_off(data, ["/p/a.jpg"]) is False  # nobody holds the lock
    holder = QLockFile(str(data / "runner.lock"))
    assert holder.tryLock(0)  # a command-line run: it has no inbox owner file
    try:
        assert hand_off(data, ["/p/a.jpg"]) is False
        assert not inbox_dir(data).exists()
    finally:
        holder.unlock()


def test_photos_handed_off_reach_the_open_window(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config, tmp_path: Path) -> None:
    window = open_window(mock_config)
    assert window.session.holds_lock
    data = mock_config.paths.data
    inbox = Inbox(data, window.pools.io, window)
    inbox.photos_arrived.connect(window.take_paths)
    window.inbox = inbox
    inbox.start()
    qtbot.waitUntil(lambda: (inbox_dir(data) / "owner").exists(), timeout=5000)

    photos = [str(p) for p in make_photos(tmp_path / "p", 2)]
    with qtbot.waitSignal(inbox.photos_arrived, timeout=10_000) as arrived:
        assert hand_off(data, photos) is True
    assert arrived.args == [photos]
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=10_000)
    assert list(inbox_dir(data).glob("*.json")) == []  # each hand-off is taken once

    inbox.stop()
    assert hand_off(data, photos) is False  # a closing window takes no more


def test_a_hand_off_left_before_the_window_started_is_picked_up(
        qtbot: QtBot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    inbox_dir(data).mkdir(parents=True)
    (inbox_dir(data) / "early.json").write_text(json.dumps(["/p/early.jpg"]))
    pools = Pools()
    inbox = Inbox(data, pools.io)
    with qtbot.waitSignal(inbox.photos_arrived, timeout=5000) as arrived:
        inbox.start()
    assert arrived.args == [["/p/early.jpg"]]
    inbox.stop()
    pools.wait()
