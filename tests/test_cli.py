"""The ``productsnap`` command line, run as a real subprocess against real files."""

from __future__ import annotations

import json
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image

from tests.processes import child_env


def _photos(folder: Path, count: int, size: tuple[int, int] = (1000, 800)) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in range(count):
        path = folder / f"item{n:03}.jpg"
        Image.new("RGB", size, (30 + n % 200, 120, 60)).save(path, "JPEG", quality=85)
        paths.append(path)
    return paths


@pytest.fixture
def cli_env(mock_env: dict[str, str], tmp_path: Path) -> dict[str, str]:
    return child_env(mock_env)


def run(args: list[str], env: dict[str, str], stdin: str | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def records(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def test_generate_a_folder_in_mock_mode(cli_env: dict[str, str], tmp_path: Path,
                                        out_dir: Path) -> None:
    _photos(tmp_path / "shop", 3)
    (tmp_path / "shop" / "readme.txt").write_text("not a photo")
    result = run(["generate", str(tmp_path / "shop"), "--mode", "flat_lay", "--json"], cli_env)
    assert result.returncode == 0, result.stderr
    lines = records(result.stdout)
    assert len(lines) == 3
    for line in lines:
        assert set(line) == {"job_id", "source", "mode", "status", "output", "error",
                             "client_job_id", "model", "cost_usd"}
        assert line["status"] == "completed" and line["mode"] == "flat_lay"
        assert re.fullmatch(r"mock_[0-9a-f]{12}", str(line["client_job_id"]))
        assert line["model"] is None and line["cost_usd"] == 0
        assert line["error"] is None and Path(str(line["source"])).is_absolute()
        assert Path(str(line["output"])).parent == out_dir / "Demo"
    assert sorted(p.name for p in (out_dir / "Demo").iterdir()) == [
        "item000_flat_lay_demo.png", "item001_flat_lay_demo.png", "item002_flat_lay_demo.png"]
    assert "readme.txt" in result.stderr and "skipped" in result.stderr


def test_a_bad_file_fails_alone_with_exit_code_1(cli_env: dict[str, str], tmp_path: Path) -> None:
    (good,) = _photos(tmp_path, 1)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    result = run(["generate", str(good), str(empty), "--json"], cli_env)
    assert result.returncode == 1, result.stderr
    by_source = {Path(str(r["source"])).name: r for r in records(result.stdout)}
    assert by_source["item000.jpg"]["status"] == "completed"
    assert by_source["empty.jpg"]["status"] == "failed"
    assert by_source["empty.jpg"]["error"] and by_source["empty.jpg"]["output"] is None
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(("env_change", "args", "expected"), [
    ({"IMAGE_GENERATION_MODE": "Live"}, ["generate", "x.jpg"], "IMAGE_GENERATION_MODE"),
    ({}, ["generate", "x.jpg", "--mode", "no_such_style"], "no_such_style"),
    ({}, ["generate", "x.jpg", "--parallel", "0"], "--parallel"),
    ({"IMAGE_GENERATION_MODE": "live"}, ["generate", "x.jpg"], "NANO_BANANA_API_KEY"),
])
def test_usage_and_configuration_errors_exit_2_and_send_nothing(
        cli_env: dict[str, str], tmp_path: Path, env_change: dict[str, str], args: list[str],
        expected: str) -> None:
    _photos(tmp_path, 1)
    # Live mode pointed at a closed local port: reaching it would show as a connection error.
    cli_env.update(env_change, NANO_BANANA_API_URL="http://127.0.0.1:9/v1beta")
    result = run(args, cli_env)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr


def test_jobs_modes_and_version(cli_env: dict[str, str], tmp_path: Path) -> None:
    photos = _photos(tmp_path, 2)
    assert run(["generate", *map(str, photos)], cli_env).returncode == 0
    listed = run(["jobs", "--json"], cli_env)
    assert [r["status"] for r in records(listed.stdout)] == ["completed", "completed"]
    modes = run(["modes"], cli_env).stdout
    assert "studio_white" in modes and "flat_lay" in modes
    assert run(["--version"], cli_env).stdout.startswith("ProductSnap ")


def test_self_test_passes_offline(cli_env: dict[str, str]) -> None:
    result = run(["self-test"], cli_env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout


def test_killed_mid_batch_then_resume_completes_every_photo_once(
        cli_env: dict[str, str], tmp_path: Path, out_dir: Path, data_dir: Path) -> None:
    photos = _photos(tmp_path / "batch", 24, size=(2400, 1800))
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "generate", str(tmp_path / "batch"), "--parallel", "2",
         "--json"], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    database = data_dir / "jobs.sqlite3"
    deadline = time.monotonic() + 60
    completed = 0
    while time.monotonic() < deadline and completed < 4:
        time.sleep(0.05)
        if database.exists():
            try:
                with sqlite3.connect(database) as db:
                    completed = db.execute(
                        "SELECT COUNT(*) FROM jobs WHERE status='completed'").fetchone()[0]
            except sqlite3.OperationalError:
                continue
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=10)
    process.stdout.close()  # type: ignore[union-attr]
    process.stderr.close()  # type: ignore[union-attr]
    with sqlite3.connect(database) as db:
        states = dict(db.execute("SELECT status, COUNT(*) FROM jobs GROUP BY status").fetchall())
    assert 4 <= states.get("completed", 0) < 24, states  # really killed mid-batch

    resumed = run(["resume", "--json"], cli_env)
    assert resumed.returncode == 0, resumed.stderr
    demo = out_dir / "Demo"
    outputs = sorted(p.name for p in demo.iterdir())
    assert outputs == sorted(f"{p.stem}_studio_white_demo.png" for p in photos)  # once each
    for folder in (demo, data_dir / "results", data_dir / "uploads", data_dir / "thumbnails"):
        assert not [p for p in folder.iterdir() if p.name.endswith(".part")]
    for output in demo.iterdir():
        with Image.open(output) as image:
            image.load()  # a whole, readable PNG
    listed = records(run(["jobs", "--json"], cli_env).stdout)
    assert len(listed) == 24 and {r["status"] for r in listed} == {"completed"}


def test_resume_with_nothing_left_ends_at_once(cli_env: dict[str, str]) -> None:
    result = run(["resume", "--json"], cli_env, timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and "0 completed, 0 failed" in result.stderr


def test_interrupt_leaves_the_rest_queued_for_resume(
        cli_env: dict[str, str], tmp_path: Path, data_dir: Path) -> None:
    _photos(tmp_path / "batch", 30, size=(2400, 1800))
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "generate", str(tmp_path / "batch"), "--parallel", "1",
         "--json"], env=cli_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    database = data_dir / "jobs.sqlite3"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        time.sleep(0.05)
        try:
            with sqlite3.connect(database) as db:
                if db.execute("SELECT COUNT(*) FROM jobs WHERE status='completed'").fetchone()[0]:
                    break
        except sqlite3.OperationalError:
            continue
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    statuses = [json.loads(line)["status"] for line in stdout.splitlines()]
    assert len(statuses) == 30 and "queued" in statuses and "completed" in statuses
    assert "productsnap resume" in stderr
    assert run(["resume"], cli_env).returncode == 0
    with sqlite3.connect(database) as db:
        assert db.execute("SELECT COUNT(*) FROM jobs WHERE status='completed'").fetchone()[0] == 30


def test_a_plain_http_endpoint_is_refused_before_anything_is_sent(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    (photo,) = _photos(tmp_path, 1)
    cli_env.update(IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY="test-key-0123456789",
                   NANO_BANANA_API_URL="http://images.example.com/v1beta")
    result = run(["generate", str(photo)], cli_env)
    assert result.returncode == 2, result.stderr
    assert "NANO_BANANA_API_URL" in result.stderr and "https" in result.stderr


# --- a mistyped command, and no display to open the window on ------------------------------------

_DISPLAY_VARIABLES = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
_NO_DISPLAY = "there is no display to open the window on"


@pytest.fixture
def headless_env(cli_env: dict[str, str]) -> dict[str, str]:
    """The environment of a server or an ssh session: no X11, no Wayland, no Qt platform chosen."""
    return {k: v for k, v in cli_env.items() if k not in _DISPLAY_VARIABLES}


@pytest.mark.parametrize("args", [["genrate", "photo.jpg"], ["-v", "genrate", "photo.jpg"]])
def test_a_mistyped_command_is_a_usage_error_with_a_suggestion(
        headless_env: dict[str, str], args: list[str]) -> None:
    result = run(args, headless_env, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "productsnap: 'genrate' is not a command. Did you mean 'generate'?" in result.stderr
    assert result.stderr.startswith("usage: productsnap")
    assert _NO_DISPLAY not in result.stderr and "Traceback" not in result.stderr
    assert result.stdout == ""


def test_an_unknown_word_is_neither_a_command_nor_a_photo(headless_env: dict[str, str]) -> None:
    result = run(["nonsense"], headless_env, timeout=60)
    assert result.returncode == 2, result.stderr
    assert "'nonsense' is not a command or a photo" in result.stderr
    assert ("generate, resume, retry, jobs, check, export, presets, modes, key, self-test"
            in result.stderr)
    assert "Traceback" not in result.stderr


def test_a_usage_error_loads_neither_qt_nor_pillow(headless_env: dict[str, str]) -> None:
    code = ("import sys\n"
            "from app.cli import main\n"
            "code = main(['genrate', 'photo.jpg'])\n"
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PIL')))\n"
            "raise SystemExit(code)\n")
    result = subprocess.run([sys.executable, "-c", code], env=headless_env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="DISPLAY is an X11/Wayland thing")
@pytest.mark.parametrize("args", [["some_missing_photo.jpg"], ["FOLDER"], []])
def test_no_display_is_said_plainly_instead_of_a_qt_abort(
        headless_env: dict[str, str], tmp_path: Path, args: list[str]) -> None:
    args = [str(tmp_path) if a == "FOLDER" else a for a in args]
    result = run(args, headless_env, timeout=60)
    assert result.returncode == 2, (result.returncode, result.stderr)  # not -6 (SIGABRT)
    assert ("productsnap: there is no display to open the window on. To work without a window "
            "use `productsnap generate PHOTO...`; see `productsnap --help`.") in result.stderr
    assert "qt.qpa" not in result.stderr and "Traceback" not in result.stderr


def test_the_cli_knows_every_photo_extension_the_intake_reads() -> None:
    from app.cli.main import PHOTO_EXTENSIONS
    from app.images.intake import IMAGE_EXTENSIONS

    assert PHOTO_EXTENSIONS == IMAGE_EXTENSIONS
