"""Shared fixtures. Qt runs offscreen; every test gets its own data and output folders."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import Config, load_config


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("PRODUCTSNAP_RUN_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: set PRODUCTSNAP_RUN_SLOW=1 to run (.ci/run does)")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No test reads the developer's real settings, .env, keyring or Pictures folder."""
    for name in ("IMAGE_GENERATION_MODE", "NANO_BANANA_API_KEY", "NANO_BANANA_API_URL",
                 "NANO_BANANA_MODEL", "PRODUCTSNAP_DATA_DIR", "PRODUCTSNAP_OUTPUT_DIR",
                 "PRODUCTSNAP_PARALLEL", "PRODUCTSNAP_RPM", "NANO_BANANA_IMAGE_SIZE",
                 "PRODUCTSNAP_ASK_ABOVE_USD", "PRODUCTSNAP_REQUEST_DEADLINE_S",
                 "PRODUCTSNAP_MONTHLY_BUDGET", "PRODUCTSNAP_BACKDROP_COLOUR"):
        monkeypatch.delenv(name, raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.chdir(tmp_path)
    yield


@pytest.fixture(scope="session")
def qapp_cls() -> type:
    """pytest-qt builds the app's own QApplication subclass (it handles macOS FileOpen)."""
    from app.gui.application import ProductSnapApplication

    return ProductSnapApplication


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path / "out"


@pytest.fixture
def mock_env(data_dir: Path, out_dir: Path) -> dict[str, str]:
    return {"IMAGE_GENERATION_MODE": "mock", "PRODUCTSNAP_DATA_DIR": str(data_dir),
            "PRODUCTSNAP_OUTPUT_DIR": str(out_dir)}


@pytest.fixture
def mock_config(mock_env: dict[str, str], tmp_path: Path) -> Config:
    return load_config(env=mock_env, cwd=tmp_path)
