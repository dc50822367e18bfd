"""The engine's client and its settings while a live client is being built: building asks the
stand-in Gemini server for its models (slow here), and settings changed meanwhile must neither
wait for that call nor be lost to it."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.core.config import load_config
from app.core.engine import Engine
from app.services.errors import StoppedError
from app.services.nano_banana_client import NanoBananaClient
from tests.gemini_standin import API_KEY, GeminiStandIn

LIST_LATENCY = 2.0  # seconds every answer of the stand-in takes, the model list included


@pytest.fixture
def standin() -> Iterator[GeminiStandIn]:
    with GeminiStandIn(models=("gemini-3.1-flash-image", "gemini-2.5-flash-image"),
                       latency=LIST_LATENCY) as server:
        yield server


@pytest.fixture
def engine(mock_env: dict[str, str], tmp_path: Path, standin: GeminiStandIn) -> Iterator[Engine]:
    env = dict(mock_env, IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=API_KEY,
               NANO_BANANA_API_URL=standin.url, NANO_BANANA_MODEL="")
    engine = Engine(load_config(env=env, cwd=tmp_path).with_overrides(
        model="gemini-2.5-flash-image"))
    yield engine
    engine.close()


class Building:
    """``engine.client`` in a thread of its own, as a worker asks for it."""

    def __init__(self, engine: Engine) -> None:
        self.client: NanoBananaClient | None = None
        self.error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, args=(engine,), daemon=True)
        self._thread.start()

    def _run(self, engine: Engine) -> None:
        try:
            self.client = engine.client
        except BaseException as error:
            self.error = error

    def wait_until_asking(self, standin: GeminiStandIn) -> None:
        for _ in range(200):
            if any(r.method == "GET" for r in standin.requests):
                return
            threading.Event().wait(0.01)
        raise AssertionError("the model list was never asked for")

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def join(self) -> None:
        self._thread.join(4 * LIST_LATENCY + 5)
        assert not self._thread.is_alive()


def test_a_settings_change_does_not_wait_for_a_client_being_built(
        engine: Engine, standin: GeminiStandIn) -> None:
    building = Building(engine)
    building.wait_until_asking(standin)

    engine.reconfigure(engine.config.with_overrides(model="gemini-3.1-flash-image"))
    assert building.running  # the window's call returned while the model list was still asked

    building.join()
    assert building.error is None and building.client is not None
    # Built for the settings of before, then built again: the job gets the new model.
    assert building.client.model == "gemini-3.1-flash-image"
    assert engine.client is building.client


def test_a_stale_model_seen_by_a_job_never_undoes_a_settings_change(
        engine: Engine, standin: GeminiStandIn) -> None:
    """Behind a failure CI met once: a job's 404 wrote back the settings it had read, after the
    user had chosen "automatic", and the queue paused again on the old model. Whether the old
    code lost the change here depended on which thread got its lock first."""
    building = Building(engine)
    building.wait_until_asking(standin)

    gone = threading.Thread(target=engine._slot.model_went_away)  # a job met a 404 meanwhile
    gone.start()
    engine.reconfigure(engine.config.with_overrides(model="automatic"))
    gone.join(5)
    building.join()

    assert engine.config.model == "automatic"
    choice = engine.client.choice
    assert choice is not None and choice.automatic


def test_a_client_finished_during_a_stop_sends_nothing(
        engine: Engine, standin: GeminiStandIn) -> None:
    building = Building(engine)
    building.wait_until_asking(standin)
    engine.stop_sending()  # Ctrl+C while the model list is asked: does not wait for it
    assert building.running
    building.join()
    assert building.client is not None
    assert building.client._closing.is_set()  # type: ignore[attr-defined]


def test_a_closed_engine_builds_no_client(engine: Engine) -> None:
    engine.close()
    with pytest.raises(StoppedError):
        engine.client  # noqa: B018
