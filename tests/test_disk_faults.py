"""The machine's faults are not the photo's: an output or data folder that is full or
read-only pauses the run (exit 3) with the folder named, every photo stays queued, a result
already paid for is kept and exported on resume without paying again, and a kill during an
export leaves no temporary file in the user's folder. Real small tmpfs mounts, real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PIL import Image

from tests.gemini_standin import API_KEY, GeminiStandIn
from tests.processes import child_env

Mount = Callable[..., Path]


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Mount]:
    """Mount a small tmpfs (root only, and not in every sandbox: skipped with the reason)."""
    mounted: list[Path] = []

    def mount(name: str, size: str = "256k", read_only: bool = False) -> Path:
        point = tmp_path / name
        point.mkdir()
        options = f"size={size}" + (",ro" if read_only else "")
        done = subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(point)],
                              capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip() or done.returncode}")
        mounted.append(point)
        return point

    yield mount
    for point in reversed(mounted):
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def remount(point: Path, options: str) -> None:
    subprocess.run(["mount", "-o", f"remount,{options}", str(point)], check=True)


def fill(point: Path) -> None:
    """Leave no free block on the mount."""
    fd = os.open(point / "filler", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        while True:
            os.write(fd, b"\0" * 4096)
    except OSError:
        pass
    finally:
        os.close(fd)


def _photos(folder: Path, count: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        Image.new("RGB", (640, 480), (n * 60, 90, 140)).save(folder / f"p{n}.jpg")
    return folder


def _env(data_dir: Path, out_dir: Path, server: GeminiStandIn | None = None) -> dict[str, str]:
    env = child_env(IMAGE_GENERATION_MODE="mock", PRODUCTSNAP_DATA_DIR=str(data_dir),
                    PRODUCTSNAP_OUTPUT_DIR=str(out_dir))
    if server is not None:
        env.update(IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=API_KEY,
                   NANO_BANANA_API_URL=server.url, NANO_BANANA_MODEL="gemini-2.5-flash-image")
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args, "--json"], env=env,
                          capture_output=True, text=True, timeout=120)


def statuses(result: subprocess.CompletedProcess[str]) -> list[str]:
    return [json.loads(line)["status"] for line in result.stdout.splitlines() if line.strip()]


def test_a_full_output_folder_pauses_and_resume_exports_without_paying_again(
        tmpfs: Mount, tmp_path: Path, data_dir: Path) -> None:
    out = tmpfs("out", "64k")
    fill(out)
    with GeminiStandIn() as server:
        env = _env(data_dir, out, server)
        first = run(env, "generate", str(_photos(tmp_path / "in", 3)), "--parallel", "1")
        assert first.returncode == 3, first.stderr
        assert f"The output folder {out} is full" in first.stderr
        assert "Traceback" not in first.stderr
        assert statuses(first) == ["queued"] * 3  # none failed photo by photo
        paid = sum(r.method == "POST" for r in server.requests)
        assert paid == 1  # the pause came at the first photo's export
        assert [p.name for p in out.iterdir()] == ["filler"]  # no .part left behind

        (out / "filler").unlink()  # the user frees some space
        resumed = run(env, "resume")
        assert resumed.returncode == 0, resumed.stderr
        assert statuses(resumed) == ["completed"] * 3
        assert sum(r.method == "POST" for r in server.requests) == 3  # 1 kept + 2 new
    assert sorted(p.name for p in out.iterdir()) == [
        "p0_studio_white.png", "p1_studio_white.png", "p2_studio_white.png"]


def test_a_read_only_output_folder_pauses_with_the_fix(
        tmpfs: Mount, tmp_path: Path, data_dir: Path) -> None:
    out = tmpfs("out", "1m", read_only=True)
    result = run(_env(data_dir, out), "generate", str(_photos(tmp_path / "in", 2)))
    assert result.returncode == 3, result.stderr
    assert f"The output folder {out} is read-only" in result.stderr
    assert statuses(result) == ["queued"] * 2
    remount(out, "rw")
    resumed = run(_env(data_dir, out), "resume")
    assert resumed.returncode == 0 and statuses(resumed) == ["completed"] * 2


def test_a_full_data_folder_pauses_before_anything_is_sent(
        tmpfs: Mount, tmp_path: Path, out_dir: Path) -> None:
    data = tmpfs("data", "2m")
    with GeminiStandIn() as server:
        env = _env(data, out_dir, server)
        assert run(env, "jobs").returncode == 0  # the history exists
        photos = _photos(tmp_path / "in", 2)
        fill(data)
        result = run(env, "generate", str(photos))
        # The history itself cannot be written: a plain sentence, nothing queued or sent.
        assert result.returncode == 2, result.stderr
        assert f"The ProductSnap data folder {data} is full" in result.stderr
        assert "Traceback" not in result.stderr
        assert not any(r.method == "POST" for r in server.requests)  # nothing paid
        (data / "filler").unlink()
        again = run(env, "generate", str(photos))
        assert again.returncode == 0, again.stderr
        assert statuses(again) == ["completed"] * 2


def test_temporary_files_a_killed_export_left_are_tidied_on_start(
        tmp_path: Path, data_dir: Path, out_dir: Path) -> None:
    out_dir.mkdir(parents=True)
    ours = out_dir / ".p0_studio_white.png.ab12cd_3.part"
    ours.write_bytes(b"half an image")
    theirs = out_dir / ".download.part"  # not ours: never touched
    theirs.write_bytes(b"someone else's")
    result = run(_env(data_dir, out_dir), "generate", str(_photos(tmp_path / "in", 1)))
    assert result.returncode == 0, result.stderr
    assert not ours.exists() and theirs.exists()
