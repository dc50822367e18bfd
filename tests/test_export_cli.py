"""``productsnap export``, run as a real subprocess on results made by ``productsnap generate``
in demo mode."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from app.checks.image_checks import check_file
from app.checks.presets import get_preset
from app.checks.provenance import COMPOSITE_SYNTHETIC, read_source_type
from tests.processes import child_env

RECORD_KEYS = {"job_id", "output", "preset", "upscaled", "verdict"}


@pytest.fixture
def cli_env(mock_env: dict[str, str]) -> dict[str, str]:
    return child_env(mock_env)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, capture_output=True,
                          text=True, timeout=120)


def records(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def photos(folder: Path, names: list[str]) -> list[Path]:
    """Close-ups whose product fills the photo: the demo stages each on pure white at about
    85% of the frame, which is what a good white packshot looks like."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n, name in enumerate(names):
        photo = Image.new("RGB", (1000, 1000 - 100 * n), (30 + 40 * n, 70, 160))
        ImageDraw.Draw(photo).ellipse((200, 200, 700, 700), fill=(230, 200, 40))
        path = folder / name
        photo.save(path, "JPEG", quality=92)
        paths.append(path)
    return paths


def generate(paths: list[Path], env: dict[str, str], style: str = "studio_white"
             ) -> list[dict[str, object]]:
    done = run(["generate", *map(str, paths), "--mode", style, "--json"], env)
    assert done.returncode == 0, done.stderr
    return records(done.stdout)


def test_export_last_batch_for_amazon(cli_env: dict[str, str], tmp_path: Path,
                                      out_dir: Path) -> None:
    generate(photos(tmp_path / "old", ["old.jpg"]), cli_env)
    made = generate(photos(tmp_path / "new", ["mug one.jpg", "cup_2.jpg"]), cli_env)
    done = run(["export", "--last", "--preset", "amazon", "--fix", "--json"], cli_env)
    lines = records(done.stdout)
    assert {line["job_id"] for line in lines} == {line["job_id"] for line in made}
    folder = out_dir / "Demo" / "amazon"  # demo results never sit beside real ones
    assert sorted(p.name for p in folder.iterdir()) == ["cup2.MAIN.jpg", "mugone.MAIN.jpg"]
    for line in lines:
        assert set(line) == RECORD_KEYS and line["preset"] == "amazon"
        assert line["upscaled"] is False and line["verdict"] == "pass"
        output = Path(str(line["output"]))
        assert output.parent == folder
        with Image.open(output) as image:
            assert image.format == "JPEG" and image.mode == "RGB"
            assert image.getpixel((1023, 1023)) == (255, 255, 255)
        assert read_source_type(output.read_bytes()) == COMPOSITE_SYNTHETIC
        # The file alone passes the same check (what `productsnap check` judges).
        assert check_file(output, get_preset("amazon")).verdict == "pass"
    assert done.returncode == 0, done.stderr


def test_a_1k_result_enlarged_for_walmart_says_so_and_is_judged_natively(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    generate(photos(tmp_path, ["mug.jpg"]), cli_env)
    out = tmp_path / "walmart"
    done = run(["export", "--all", "--preset", "walmart", "--fix", "--out", str(out),
                "--json"], cli_env)
    (line,) = records(done.stdout)
    assert line["upscaled"] is True
    output = Path(str(line["output"]))
    assert output.name == "mug_studio_white.jpg" and output.parent == out
    with Image.open(output) as image:
        assert image.size == (2200, 2200)
    # 1024 px of real detail is below Walmart's 1500: the export says fail and exits 1...
    assert line["verdict"] == "fail" and done.returncode == 1
    # ...while the enlarged file on its own would pass the size rule.
    size = check_file(output, get_preset("walmart")).check("size")
    assert size is not None and size.verdict == "pass"
    human = run(["export", "--all", "--preset", "walmart", "--fix", "--out", str(out)], cli_env)
    assert "enlarged from 1024x1024" in human.stdout and human.returncode == 1


def test_without_fix_nothing_is_enlarged(cli_env: dict[str, str], tmp_path: Path) -> None:
    generate(photos(tmp_path, ["mug.jpg"]), cli_env)
    done = run(["export", "--all", "--preset", "shopify", "--out", str(tmp_path / "s"),
                "--json"], cli_env)
    (line,) = records(done.stdout)
    assert line["upscaled"] is False
    with Image.open(str(line["output"])) as image:
        assert image.size == (1024, 1024)
    assert line["verdict"] == "warn" and done.returncode == 1  # under Shopify's 2048 for zoom


def test_exports_never_overwrite(cli_env: dict[str, str], tmp_path: Path) -> None:
    generate(photos(tmp_path, ["mug.jpg"]), cli_env)
    out = tmp_path / "o"
    first = records(run(["export", "--all", "--preset", "amazon", "--out", str(out), "--json"],
                        cli_env).stdout)
    kept = Path(str(first[0]["output"])).read_bytes()
    second = records(run(["export", "--all", "--preset", "amazon", "--out", str(out), "--fix",
                          "--json"], cli_env).stdout)
    assert Path(str(first[0]["output"])).name == "mug.MAIN.jpg"
    assert Path(str(second[0]["output"])).name == "mug.MAIN.2.jpg"
    assert Path(str(first[0]["output"])).read_bytes() == kept


def test_unknown_and_unfinished_jobs_are_said_and_skipped(cli_env: dict[str, str],
                                                         tmp_path: Path, data_dir: Path) -> None:
    (good,) = generate(photos(tmp_path, ["mug.jpg"]), cli_env)
    empty = tmp_path / "empty.jpg"
    empty.write_bytes(b"")
    failed = run(["generate", str(empty), "--json"], cli_env)
    (bad,) = records(failed.stdout)
    assert bad["status"] == "failed"
    out = tmp_path / "o"
    done = run(["export", str(good["job_id"]), str(bad["job_id"]), "feedfacefeedface",
                "--preset", "original", "--out", str(out), "--json"], cli_env)
    assert [line["job_id"] for line in records(done.stdout)] == [good["job_id"]]
    assert "feedfacefeedface" in done.stderr and "skipped" in done.stderr
    assert f"{bad['job_id']} (empty.jpg) is failed" in done.stderr
    assert done.returncode == 0, done.stderr

    nothing = run(["export", str(bad["job_id"]), "--preset", "amazon", "--out", str(out)],
                  cli_env)
    assert nothing.returncode == 2 and "nothing to export" in nothing.stderr

    # A completed job whose result files are gone cannot be exported: said, exit 1.
    with contextlib.closing(sqlite3.connect(data_dir / "jobs.sqlite3")) as db:
        paths = db.execute("SELECT result_path, output_path FROM jobs WHERE id = ?",
                           (good["job_id"],)).fetchone()
    for name in paths:
        Path(name).unlink()
    gone = run(["export", str(good["job_id"]), "--preset", "amazon", "--out", str(out)],
               cli_env)
    assert gone.returncode == 1 and "no longer on the disk" in gone.stderr


@pytest.mark.parametrize(("args", "said"), [
    (["export", "--preset", "amazon"], "say which results to export"),
    (["export", "--all", "--preset", "nowhere"], "no marketplace preset 'nowhere'"),
    (["export", "abc", "--all", "--preset", "amazon"], "not both"),
    (["export", "--all", "--preset", "amazon"], "nothing to export"),  # an empty history
])
def test_usage_errors_are_exit_2(cli_env: dict[str, str], args: list[str], said: str) -> None:
    done = run(args, cli_env)
    assert done.returncode == 2 and said in done.stderr and "Traceback" not in done.stderr
