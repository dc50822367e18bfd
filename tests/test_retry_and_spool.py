"""``productsnap retry`` puts failed jobs back and runs them; a paid result the data folder
cannot take is held in memory and still collected."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from app.services.result_spool import ResultSpool
from tests.gemini_standin import PNG
from tests.processes import child_env


def _env(data_dir: Path, out_dir: Path) -> dict[str, str]:
    return child_env(IMAGE_GENERATION_MODE="mock", PRODUCTSNAP_DATA_DIR=str(data_dir),
                     PRODUCTSNAP_OUTPUT_DIR=str(out_dir))


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def test_retry_requeues_failed_jobs_and_runs_them(tmp_path: Path, data_dir: Path,
                                                  out_dir: Path) -> None:
    env = _env(data_dir, out_dir)
    late = tmp_path / "late.jpg"  # named before it exists: fails as "not found"
    good = tmp_path / "good.jpg"
    Image.new("RGB", (640, 480), (30, 90, 160)).save(good)
    first = run(env, "generate", str(good), str(late), "--json")
    assert first.returncode == 1, first.stderr
    failed = [json.loads(line) for line in first.stdout.splitlines()
              if json.loads(line)["status"] == "failed"]
    assert [Path(str(f["source"])).name for f in failed] == ["late.jpg"]

    assert run(env, "retry").returncode == 2  # neither ids nor --failed: a usage error
    assert run(env, "retry", "no-such-job").returncode == 2

    Image.new("RGB", (640, 480), (160, 90, 30)).save(late)  # the photo is there now
    again = run(env, "retry", "--failed", "--json")
    assert again.returncode == 0, again.stderr
    (line,) = [json.loads(text) for text in again.stdout.splitlines()]
    assert line["job_id"] == failed[0]["job_id"] and line["status"] == "completed"
    nothing = run(env, "retry", "--failed")
    assert nothing.returncode == 0 and "No failed jobs" in nothing.stderr


def test_a_paid_result_the_spool_folder_cannot_take_is_held_in_memory(
        tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the spool folder should be")
    spool = ResultSpool(blocked / "incoming")
    spool.keep("gem_0123456789ab", PNG, "image/png",
               {"model": "gemini-2.5-flash-image", "usage": {"cost_usd": 0.0387}})
    status = spool.status("gem_0123456789ab")
    assert status["status"] == "completed" and status["usage"]["cost_usd"] == 0.0387
    assert spool.read(status["output_url"]) == PNG
    spool.discard("gem_0123456789ab")
    with pytest.raises(LookupError):
        spool.status("gem_0123456789ab")
