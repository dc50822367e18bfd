"""Live mode end to end: the real command line against the local Gemini stand-in."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests import gemini_standin as g
from tests.gemini_standin import API_KEY, GeminiStandIn
from tests.processes import child_env


@pytest.fixture
def server() -> GeminiStandIn:
    with GeminiStandIn() as running:
        yield running


@pytest.fixture
def live_env(mock_env: dict[str, str], server: GeminiStandIn) -> dict[str, str]:
    return child_env(mock_env, IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=API_KEY,
                     NANO_BANANA_API_URL=server.url)


def _photos(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        Image.new("RGB", (900, 700), (n * 40, 90, 30)).save(folder / f"p{n}.jpg")
    return folder


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_live_batch_completes_records_cost_and_never_leaks_the_key(
        live_env: dict[str, str], server: GeminiStandIn, tmp_path: Path, data_dir: Path) -> None:
    result = run(["generate", str(_photos(tmp_path / "in", 3)), "--json"], live_env)
    assert result.returncode == 0, result.stderr
    assert [json.loads(line)["status"] for line in result.stdout.splitlines()] == [
        "completed"] * 3
    posts = [r for r in server.requests if r.method == "POST"]
    assert len(posts) == 3
    assert all(r.headers["x-goog-api-key"] == API_KEY and "key=" not in r.query for r in posts)
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        rows = db.execute("SELECT mode, model, cost_usd, output_tokens FROM jobs").fetchall()
    assert all(mode == "live" and model == "gemini-2.5-flash-image" for mode, model, *_ in rows)
    assert all(cost == pytest.approx(0.0388, abs=0.0005) and tokens == 1290
               for *_, cost, tokens in rows)
    # The key is nowhere on disk or in what the command printed.
    assert "3 photo(s) on gemini-2.5-flash-image at 1K will cost about $0.12" in result.stderr
    assert API_KEY not in result.stdout + result.stderr
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert API_KEY.encode() not in path.read_bytes(), path


def test_a_refused_key_stops_at_once_exit_3_then_resume_finishes(
        live_env: dict[str, str], server: GeminiStandIn, tmp_path: Path) -> None:
    server.enqueue(g.api_key_invalid())
    result = run(["generate", str(_photos(tmp_path / "in", 5)), "--parallel", "1", "--json"],
                 live_env)
    assert result.returncode == 3, result.stderr
    assert "key" in result.stderr.lower() and "productsnap resume" in result.stderr
    statuses = [json.loads(line)["status"] for line in result.stdout.splitlines()]
    assert statuses == ["queued"] * 5  # nothing failed photo by photo
    assert len([r for r in server.requests if r.method == "POST"]) == 1  # stopped sending

    resumed = run(["resume", "--json"], live_env)
    assert resumed.returncode == 0, resumed.stderr
    assert [json.loads(line)["status"] for line in resumed.stdout.splitlines()] == [
        "completed"] * 5


def test_a_photo_the_api_rejects_fails_alone(
        live_env: dict[str, str], server: GeminiStandIn, tmp_path: Path) -> None:
    server.enqueue(g.bad_photo())
    result = run(["generate", str(_photos(tmp_path / "in", 2)), "--parallel", "1", "--json"],
                 live_env)
    assert result.returncode == 1, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert sorted(line["status"] for line in lines) == ["completed", "failed"]
    failed = next(line for line in lines if line["status"] == "failed")
    assert failed["error"] and "Traceback" not in failed["error"]


# Killed the instant the paid answer is safe in the spool, before the engine reads it back: 0.1
# recorded the client's id only after this point, so the restart paid for the photo again.
_KILL_AFTER_ANSWER = """
import os, sys
from app.services.gemini_client import GeminiImageClient

def killed(self, job_id):
    os._exit(137)  # no clean-up of any kind, as a power cut or SIGKILL

GeminiImageClient.get_job_status = killed
from app.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_kill_right_after_the_paid_answer_never_pays_for_the_photo_again(
        live_env: dict[str, str], server: GeminiStandIn, tmp_path: Path, data_dir: Path,
        out_dir: Path) -> None:
    photos = _photos(tmp_path / "in", 1)
    killed = subprocess.run([sys.executable, "-c", _KILL_AFTER_ANSWER, "generate", str(photos),
                             "--json"], env=live_env, capture_output=True, text=True,
                            timeout=120)
    assert killed.returncode == 137, killed.stderr
    assert len([r for r in server.requests if r.method == "POST"]) == 1
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        ((status, client_id, sent),) = db.execute(
            "SELECT status, client_job_id, request_sent_at FROM jobs").fetchall()
    assert status == "processing" and client_id.startswith("gem_") and sent is not None

    resumed = run(["resume", "--json"], live_env)
    assert resumed.returncode == 0, resumed.stderr
    (line,) = [json.loads(text) for text in resumed.stdout.splitlines()]
    assert line["status"] == "completed" and line["client_job_id"] == client_id
    assert line["cost_usd"] == pytest.approx(0.0388, abs=0.0005)  # the cost of the one request
    assert len([r for r in server.requests if r.method == "POST"]) == 1  # paid once, not twice
    assert [p.name for p in out_dir.iterdir()] == ["p0_studio_white.png"]
