"""Ctrl+C and SIGTERM sent to a real ``productsnap generate``: nothing new is sent, answers
already on their way (paid) are awaited a few seconds and kept, a stalled request does not hold
the stop, the rest stay queued, and ``resume`` finishes them without paying twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

from PIL import Image

from app.cli.batch import GRACE_S
from tests import gemini_standin as g
from tests.gemini_standin import API_KEY, GeminiStandIn
from tests.processes import child_env


def _env(data_dir: Path, out_dir: Path, server: GeminiStandIn) -> dict[str, str]:
    env = child_env(IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=API_KEY,
               NANO_BANANA_API_URL=server.url, NANO_BANANA_MODEL="gemini-2.5-flash-image",
               PRODUCTSNAP_DATA_DIR=str(data_dir), PRODUCTSNAP_OUTPUT_DIR=str(out_dir),
               QT_QPA_PLATFORM="offscreen")
    return env


def _photos(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        Image.new("RGB", (640, 480), (n * 40, 100, 90)).save(folder / f"p{n}.jpg")
    return folder


def _posts(server: GeminiStandIn) -> int:
    return sum(r.method == "POST" for r in server.requests)


def _start(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "app", *args, "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _wait_for_posts(server: GeminiStandIn, count: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 30
    while _posts(server) < count:
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the run never sent its requests"
        time.sleep(0.02)


def _statuses(stdout: str) -> list[str]:
    return sorted(json.loads(line)["status"] for line in stdout.splitlines() if line.strip())


def test_sigterm_keeps_the_answers_on_their_way_and_the_rest_stay_queued(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn(latency=1.5) as server:  # every answer takes 1.5 s: within the grace
        env = _env(data_dir, out_dir, server)
        proc = _start(env, "generate", str(_photos(tmp_path / "in", 5)), "--parallel", "2")
        _wait_for_posts(server, 2, proc)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
        assert proc.returncode == 128 + signal.SIGTERM, err
        assert _posts(server) == 2  # nothing new was sent after the signal
        assert _statuses(out) == ["completed", "completed", "queued", "queued", "queued"]
        assert "productsnap resume" in err and "Traceback" not in err
        assert len(list(out_dir.iterdir())) == 2  # the paid answers are saved

        resumed = subprocess.run([sys.executable, "-m", "app", "resume", "--json"], env=env,
                                 capture_output=True, text=True, timeout=60)
        assert resumed.returncode == 0, resumed.stderr
        assert _statuses(resumed.stdout) == ["completed"] * 3
        assert _posts(server) == 5  # one request per photo, none bought twice
        assert len(list(out_dir.iterdir())) == 5


def test_ctrl_c_stops_within_the_grace_while_a_request_is_stalled(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn() as server:
        server.enqueue(g.slow(300))  # a request that would hang for five minutes
        env = _env(data_dir, out_dir, server)
        proc = _start(env, "generate", str(_photos(tmp_path / "in", 1)))
        _wait_for_posts(server, 1, proc)
        stopped_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - stopped_at
    assert proc.returncode == 128 + signal.SIGINT, err
    assert took < GRACE_S + 4, f"took {took:.1f} s to stop"
    assert _statuses(out) == ["queued"]
    assert "productsnap resume" in err and "Traceback" not in err


def test_a_second_ctrl_c_stops_at_once(tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    with GeminiStandIn() as server:
        server.enqueue(g.slow(300))
        env = _env(data_dir, out_dir, server)
        proc = _start(env, "generate", str(_photos(tmp_path / "in", 1)))
        _wait_for_posts(server, 1, proc)
        stopped_at = time.monotonic()
        proc.send_signal(signal.SIGINT)
        time.sleep(0.5)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
        took = time.monotonic() - stopped_at
    assert proc.returncode == 128 + signal.SIGINT, err
    assert took < GRACE_S, f"took {took:.1f} s to stop"
    assert _statuses(out) == ["queued"]
