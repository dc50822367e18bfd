"""The mock client's contract, carried over from the server design."""

from __future__ import annotations

import io
import logging
import re
import socket
from pathlib import Path

import pytest
from PIL import Image

from app.core.config import Config
from app.services.nano_banana_client import MockNanoBananaClient, create_client
from app.services.styles import get_style


def _photo(path: Path, size: tuple[int, int] = (1200, 900)) -> Path:
    Image.new("RGB", size, (40, 90, 160)).save(path, "JPEG", quality=90)
    return path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("mock mode touched the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def test_mock_contract_ids_status_url_and_log_lines(
        tmp_path: Path, caplog: pytest.LogCaptureFixture, no_network: None) -> None:
    photo = _photo(tmp_path / "mug.jpg")
    with caplog.at_level(logging.INFO, logger="app.services.nano_banana_client"):
        client = MockNanoBananaClient()
        created = client.create_job(photo, get_style("studio_white"))
        status = client.get_job_status(created["job_id"])
        data = client.download_result(status["output_url"])

    job_id = created["job_id"]
    assert re.fullmatch(r"mock_[0-9a-f]{12}", job_id)
    assert created["status"] == "queued" and created["created_at"]
    assert status["status"] == "completed" and status["completed_at"]
    assert status["output_url"] == f"https://mock-storage.example.com/results/{job_id}.png"
    assert status["usage"]["cost_usd"] == 0.0
    assert caplog.messages == [
        "NanoBananaClient initialized in mock mode",
        f"[MOCK] Created job {job_id} for mode studio_white",
        f"[MOCK] Checking status for job {job_id}",
        f"[MOCK] Downloading result from {status['output_url']}",
    ]
    assert all(r.levelno == logging.INFO for r in caplog.records)
    with Image.open(io.BytesIO(data)) as result:
        assert result.format == "PNG" and result.size == (1024, 1024)


@pytest.mark.parametrize(("style", "size"), [("lifestyle_kitchen", (896, 1152)),
                                             ("banner", (1344, 768))])
def test_mock_result_has_the_styles_real_output_size(
        tmp_path: Path, style: str, size: tuple[int, int], no_network: None) -> None:
    client = MockNanoBananaClient()
    created = client.create_job(_photo(tmp_path / "p.jpg"), get_style(style))
    data = client.download_result(client.get_job_status(created["job_id"])["output_url"])
    with Image.open(io.BytesIO(data)) as result:
        assert result.size == size


def test_factory_builds_the_mock_for_mock_mode(mock_config: Config, no_network: None) -> None:
    client = create_client(mock_config)
    assert isinstance(client, MockNanoBananaClient)
    with pytest.raises(LookupError):
        client.get_job_status("mock_000000000000")
