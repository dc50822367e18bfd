"""Live mode when Google retires models, against the stand-in Gemini server: the status bar names
the model "automatic" chose, a model the key cannot use is fixed from its banner with "Choose
automatically", and a model Google will retire is said once."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.config import load_config
from app.core.job import JobStatus
from app.core.secrets import SERVICE, USERNAME
from app.gui.main_window import MainWindow
from tests.fakes import MemoryKeyring
from tests.gemini_standin import API_KEY, DEPRECATED, GeminiStandIn
from tests.gui.conftest import WindowFactory, make_photos
from tests.gui.test_main_window import drop, mime_with

ONLY_NEW = ("gemini-3.1-flash-image",)  # gemini-2.5-flash-image retired by Google
RETIRING = "gemini-2.5-flash-image will be retired on 15 January 2027; choose another model " \
    "in Settings."


@pytest.fixture
def live_env(data_dir: Path, out_dir: Path, memory_keyring: MemoryKeyring
             ) -> Callable[[GeminiStandIn], dict[str, str]]:
    memory_keyring.items[(SERVICE, USERNAME)] = API_KEY
    return lambda standin: {"PRODUCTSNAP_DATA_DIR": str(data_dir),
                            "PRODUCTSNAP_OUTPUT_DIR": str(out_dir),
                            "IMAGE_GENERATION_MODE": "live",
                            "NANO_BANANA_API_URL": standin.url}


def completed(window: MainWindow, count: int) -> Callable[[], bool]:
    return lambda: window.model.counts()[JobStatus.COMPLETED] == count


def generated_models(standin: GeminiStandIn) -> set[str]:
    return {r.model for r in standin.requests if r.method == "POST"}


def test_the_status_bar_names_the_model_automatic_chose(
        qtbot: QtBot, open_window: WindowFactory, live_env: Callable[..., dict[str, str]],
        tmp_path: Path) -> None:
    with GeminiStandIn(models=ONLY_NEW) as standin:
        config = load_config(env=live_env(standin), cwd=tmp_path)
        assert config.model == "automatic"
        window = open_window(config)
        qtbot.waitUntil(lambda: window.status.mode_label.text()
                        == "Live · gemini-3.1-flash-image · 1K", timeout=10_000)
        assert window._live_price() == pytest.approx(1120 * 60 / 1e6)  # the model in use
        drop(window, mime_with(make_photos(tmp_path / "p", 2)))
        qtbot.waitUntil(completed(window, 2), timeout=20_000)
        assert window.status.mode_label.text() == "Live · gemini-3.1-flash-image · 1K"
        assert generated_models(standin) == {"gemini-3.1-flash-image"}
        assert window.banners.banner("account") is None
        assert all(j.model == "gemini-3.1-flash-image" for j in window.model.jobs())


def test_choose_automatically_fixes_a_model_google_no_longer_serves(
        qtbot: QtBot, open_window: WindowFactory, live_env: Callable[..., dict[str, str]],
        tmp_path: Path) -> None:
    with GeminiStandIn(models=ONLY_NEW) as standin:
        env = live_env(standin)
        load_config(env=env, cwd=tmp_path).settings.save({"model": "gemini-2.5-flash-image"})
        config = load_config(env=env, cwd=tmp_path)
        window = open_window(config)
        assert window.status.mode_label.text() == "Live · gemini-2.5-flash-image · 1K"
        drop(window, mime_with(make_photos(tmp_path / "p", 2)))

        qtbot.waitUntil(lambda: window.banners.banner("account") is not None, timeout=15_000)
        banner = window.banners.banner("account")
        assert "gemini-3.1-flash-image" in banner.text  # the model the key can use instead
        assert list(banner.buttons) == ["automatic", "settings"]
        assert window.model.counts()[JobStatus.FAILED] == 0

        banner.buttons["automatic"].click()
        qtbot.waitUntil(completed(window, 2), timeout=20_000)
        assert window.banners.banner("account") is None
        assert window.session.config.model == "automatic"
        assert load_config(env=env, cwd=tmp_path).model == "automatic"  # saved
        qtbot.waitUntil(lambda: window.status.mode_label.text()
                        == "Live · gemini-3.1-flash-image · 1K", timeout=5000)
        assert generated_models(standin) == {"gemini-3.1-flash-image"}


def test_a_model_set_by_the_environment_is_not_switched_from_the_banner(
        qtbot: QtBot, open_window: WindowFactory, live_env: Callable[..., dict[str, str]],
        tmp_path: Path) -> None:
    with GeminiStandIn(models=ONLY_NEW) as standin:
        config = load_config(env={**live_env(standin),
                                  "NANO_BANANA_MODEL": "gemini-2.5-flash-image"}, cwd=tmp_path)
        window = open_window(config)
        drop(window, mime_with(make_photos(tmp_path / "p", 1)))
        qtbot.waitUntil(lambda: window.banners.banner("account") is not None, timeout=15_000)
        assert list(window.banners.banner("account").buttons) == ["settings"]


def test_a_model_google_will_retire_is_said_once(
        qtbot: QtBot, open_window: WindowFactory, live_env: Callable[..., dict[str, str]],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with GeminiStandIn(model_status={"gemini-2.5-flash-image": DEPRECATED}) as standin:
        config = load_config(env=live_env(standin), cwd=tmp_path)
        window = open_window(config, wait=False)  # nothing has run yet: every notice is seen
        said: list[str] = []
        window.session.model_warned.connect(said.append)
        shown: list[str] = []
        show_banner = window.banners.show_banner

        def counting(key: str, *args: object, **kwargs: object) -> object:
            shown.append(key)
            return show_banner(key, *args, **kwargs)  # type: ignore[arg-type]

        monkeypatch.setattr(window.banners, "show_banner", counting)
        qtbot.waitUntil(lambda: window.session.queue is not None, timeout=10_000)
        drop(window, mime_with(make_photos(tmp_path / "p", 3)))
        qtbot.waitUntil(completed(window, 3), timeout=20_000)
        # The model list said it when "automatic" chose, then each of the three answers: once.
        assert said == [RETIRING]
        assert shown.count("model-warning") == 1
        banner = window.banners.banner("model-warning")
        assert banner is not None and banner.text == RETIRING
        assert "settings" in banner.buttons
        assert generated_models(standin) == {"gemini-2.5-flash-image"}

        banner.dismissed.emit()  # closed by the user: not shown again for the same sentence
        assert window.banners.banner("model-warning") is None
        window.feedback.model_warned(RETIRING)
        assert window.banners.banner("model-warning") is None
