"""The window over a job history it cannot use as it is: a damaged file is set aside with a
warning and the app works on; a file from a newer version is refused with the reason."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from pytestqt.qtbot import QtBot

from app.core.config import Config
from app.core.store import SCHEMA_VERSION, JobStore
from tests.gui.conftest import WindowFactory


def test_a_damaged_history_is_kept_aside_and_the_window_works_on(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config) -> None:
    database = mock_config.paths.ensure().database
    database.write_bytes(b"not a database at all\n" * 40)

    window = open_window(mock_config)
    banner = window.banners.banner("history")
    assert banner is not None and "was damaged" in banner.text
    kept = list(database.parent.glob("jobs.sqlite3.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"not a database")
    assert window.session.queue is not None  # a new, empty history: photos can be added


def test_a_history_from_a_newer_version_is_refused_with_the_reason(
        qtbot: QtBot, open_window: WindowFactory, mock_config: Config) -> None:
    database: Path = mock_config.paths.ensure().database
    JobStore(database).close()
    db = sqlite3.connect(database)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    before = database.read_bytes()

    window = open_window(mock_config, wait=False)
    qtbot.waitUntil(lambda: window.banners.banner("open") is not None, timeout=10_000)
    banner = window.banners.banner("open")
    assert banner is not None and "newer ProductSnap" in banner.text
    assert window.session.queue is None and database.read_bytes() == before
