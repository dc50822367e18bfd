"""Every request is bounded: an overall deadline (a server that trickles a byte at a time does
not hold a photo), a cap on the answer's size read as it streams, and a stop that aborts a
request in flight at once. Against the real stand-in server on 127.0.0.1."""

from __future__ import annotations

import io
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from app.services.errors import GenerationFailedError, StoppedError
from app.services.gemini_client import GeminiImageClient
from app.services.styles import get_style
from tests import gemini_standin as g
from tests.gemini_standin import API_KEY, GeminiStandIn

STYLE = get_style("studio_white")


@pytest.fixture
def server() -> Iterator[GeminiStandIn]:
    with GeminiStandIn() as running:
        yield running


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG")
    path = tmp_path / "upload.jpg"
    path.write_bytes(buffer.getvalue())
    return path


def client(server: GeminiStandIn, tmp_path: Path, **options: object) -> GeminiImageClient:
    return GeminiImageClient(api_url=server.url, model="gemini-2.5-flash-image",
                             api_key=API_KEY, spool_dir=tmp_path / "spool", max_attempts=1,
                             **options)  # type: ignore[arg-type]


def test_a_trickling_server_does_not_hold_a_photo_past_the_deadline(
        server: GeminiStandIn, tmp_path: Path, photo: Path) -> None:
    server.enqueue(g.Answer(body=g.success().body, trickle=0.2))  # each read gets a byte
    live = client(server, tmp_path, deadline_s=2.0)
    started = time.monotonic()
    with pytest.raises(GenerationFailedError, match="took too long"):
        live.create_job(photo, STYLE)
    assert time.monotonic() - started < 4.0  # the deadline, not 180 s per read
    live.close()
    assert not list((tmp_path / "spool").glob("*.json"))  # nothing half-kept


def test_a_huge_answer_is_refused_while_it_streams(
        server: GeminiStandIn, tmp_path: Path, photo: Path) -> None:
    server.enqueue(g.Answer(huge=2 * 1024**3, declare_length=False))  # 2 GB, size not said
    live = client(server, tmp_path, max_answer_bytes=8 * 1024 * 1024)
    with pytest.raises(GenerationFailedError, match="far larger than any image") as failed:
        live.create_job(photo, STYLE)
    assert "8388608" in (failed.value.detail or "")
    live.close()
    server.stop()
    assert server.huge_sent < 2 * 1024**3 // 10  # the client hung up long before the end


def test_an_answer_that_says_it_is_huge_is_refused_before_it_is_read(
        server: GeminiStandIn, tmp_path: Path, photo: Path) -> None:
    server.enqueue(g.Answer(huge=2 * 1024**3))  # content-length: 2 GB
    live = client(server, tmp_path)
    with pytest.raises(GenerationFailedError, match="far larger"):
        live.create_job(photo, STYLE)
    live.close()


def test_a_real_answer_passes_the_cap(server: GeminiStandIn, tmp_path: Path,
                                      photo: Path) -> None:
    live = client(server, tmp_path, max_answer_bytes=1024 * 1024)
    created = live.create_job(photo, STYLE)
    assert live.get_job_status(created["job_id"])["status"] == "completed"
    live.close()


def test_a_stop_aborts_a_stalled_request_at_once_and_the_job_stays_for_later(
        server: GeminiStandIn, tmp_path: Path, photo: Path) -> None:
    server.enqueue(g.slow(120))  # the answer would take two minutes
    live = client(server, tmp_path)
    outcome: list[BaseException] = []

    def send() -> None:
        try:
            live.create_job(photo, STYLE)
        except BaseException as error:
            outcome.append(error)

    sender = threading.Thread(target=send)
    sender.start()
    while not any(r.method == "POST" for r in server.requests):
        time.sleep(0.02)
    stopped_at = time.monotonic()
    live.abort_in_flight()
    sender.join(5)
    assert not sender.is_alive() and time.monotonic() - stopped_at < 2.0
    assert len(outcome) == 1 and isinstance(outcome[0], StoppedError)
    live.close()


def test_stop_sending_keeps_requests_in_flight_and_sends_nothing_new(
        server: GeminiStandIn, tmp_path: Path, photo: Path) -> None:
    server.enqueue(g.slow(1.0, g.success()))
    live = client(server, tmp_path)
    done: list[object] = []
    sender = threading.Thread(target=lambda: done.append(live.create_job(photo, STYLE)))
    sender.start()
    while not any(r.method == "POST" for r in server.requests):
        time.sleep(0.02)
    live.stop_sending()
    with pytest.raises(StoppedError):
        live.create_job(photo, STYLE)  # not sent
    sender.join(10)
    assert len(done) == 1  # the answer on its way arrived and was kept (it is paid)
    assert len([r for r in server.requests if r.method == "POST"]) == 1
    live.close()
