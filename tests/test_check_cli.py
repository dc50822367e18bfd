"""``productsnap check`` and ``productsnap presets``, run as real subprocesses on real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from app.checks.presets import PRESETS

CHECK_IDS = {"readable", "background", "fill", "size", "format", "colour"}


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=cwd, env=dict(os.environ),
                          capture_output=True, text=True, timeout=120)


def packshot(path: Path, edge: int = 1200, fill: float = 0.88,
             background: tuple[int, int, int] = (255, 255, 255), fmt: str = "JPEG") -> Path:
    image = Image.new("RGB", (edge, edge), background)
    side = round(edge * fill)
    start = (edge - side) // 2
    ImageDraw.Draw(image).rectangle((start, start, start + side - 1, start + side - 1),
                                    fill=(200, 30, 40))
    image.save(path, fmt, quality=95)
    return path


def records(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_a_passing_file_exits_0_with_one_json_line_of_the_promised_shape(tmp_path: Path) -> None:
    good = packshot(tmp_path / "good.jpg")
    result = run("check", str(good), "--json", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    (record,) = records(result.stdout)
    assert set(record) == {"file", "preset", "verdict", "checks"}
    assert record["file"] == str(good) and record["preset"] == "amazon"
    assert record["verdict"] == "pass"
    checks = record["checks"]
    assert isinstance(checks, list)
    for item in checks:
        assert set(item) == {"id", "verdict", "message", "value"}
        assert item["verdict"] == "pass" and item["message"]
    assert {item["id"] for item in checks} == CHECK_IDS
    assert result.stderr == ""


def test_failing_missing_and_truncated_files_exit_1_one_line_each_in_order(
        tmp_path: Path) -> None:
    good = packshot(tmp_path / "good.jpg")
    grey = packshot(tmp_path / "grey.png", fill=0.5, background=(247, 247, 247), fmt="PNG")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[:2000])
    result = run("check", "--json", str(good), str(grey), "missing.jpg", str(cut),
                 cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    found = records(result.stdout)
    assert [r["file"] for r in found] == [str(good), str(grey), "missing.jpg", str(cut)]
    assert [r["verdict"] for r in found] == ["pass", "fail", "fail", "fail"]
    by_id = {item["id"]: item for item in found[1]["checks"]}
    assert set(by_id) == CHECK_IDS
    assert by_id["background"]["verdict"] == "fail" and by_id["fill"]["verdict"] == "fail"
    assert by_id["background"]["value"]["pure_white_share"] == 0.0
    assert by_id["fill"]["value"]["fill"] == pytest.approx(0.5, abs=0.001)
    for unreadable in found[2:]:
        (only,) = unreadable["checks"]
        assert only["id"] == "readable" and only["verdict"] == "fail" and only["message"]


def test_a_warning_alone_exits_1(tmp_path: Path) -> None:
    small = packshot(tmp_path / "small.jpg", edge=800)  # under Amazon's 1000 px for zoom
    result = run("check", str(small), "--json", cwd=tmp_path)
    assert result.returncode == 1
    (record,) = records(result.stdout)
    assert record["verdict"] == "warn"


def test_the_preset_is_chosen_by_id(tmp_path: Path) -> None:
    shot = packshot(tmp_path / "shot.jpg", edge=1200)
    assert run("check", str(shot), cwd=tmp_path).returncode == 0
    walmart = run("check", str(shot), "--preset", "walmart", "--json", cwd=tmp_path)
    assert walmart.returncode == 1
    (record,) = records(walmart.stdout)
    assert record["preset"] == "walmart"
    size = next(c for c in record["checks"] if c["id"] == "size")
    assert size["verdict"] == "fail" and "1500 px" in size["message"]


def test_the_readable_summary_names_each_file_and_says_why(tmp_path: Path) -> None:
    good = packshot(tmp_path / "good.jpg")
    png = packshot(tmp_path / "really-png.jpg", fmt="PNG")
    result = run("check", str(good), str(png), cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0] == f"{good}: PASS for Amazon main image"
    assert lines[1] == f"{png}: FAIL for Amazon main image"
    assert lines[2].startswith("  fail  format: the file is named .jpg but is really a PNG")
    assert "really-png.png" in lines[2]
    assert lines[-1] == "2 files: 1 pass, 0 warn, 1 fail"
    assert len(lines) == 4  # passing checks are not listed


def test_control_characters_in_names_are_shown_escaped(tmp_path: Path) -> None:
    tricky = packshot(tmp_path / "red\x1b[31m\nname.jpg", edge=400)
    result = run("check", tricky.name, cwd=tmp_path)
    assert result.returncode == 1
    assert "\x1b" not in result.stdout
    assert result.stdout.startswith("red\\x1b[31m\\nname.jpg: FAIL for Amazon main image\n")
    as_json = run("check", tricky.name, "--json", cwd=tmp_path)
    (record,) = records(as_json.stdout)
    assert record["file"] == tricky.name  # JSON escapes by itself, the name stays exact


def test_an_unknown_preset_is_a_usage_error_listing_the_presets(tmp_path: Path) -> None:
    shot = packshot(tmp_path / "shot.jpg")
    result = run("check", str(shot), "--preset", "amazn", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "amazn" in result.stderr
    for preset in PRESETS:
        assert preset.id in result.stderr


def test_no_files_is_a_usage_error(tmp_path: Path) -> None:
    result = run("check", "--json", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert "FILE" in result.stderr


def test_check_does_not_load_qt(tmp_path: Path) -> None:
    shot = packshot(tmp_path / "shot.jpg")
    code = ("import sys\n"
            "from app.cli import main\n"
            f"code = main(['check', {str(shot)!r}, '--json'])\n"
            "qt = sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken')))\n"
            "print('QT', qt, 'EXIT', code, file=sys.stderr)\n")
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                            text=True, timeout=120, env=dict(os.environ))
    assert "QT [] EXIT 0" in result.stderr, result.stderr


def test_a_heic_file_is_read_and_refused_by_format(tmp_path: Path) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    heic = packshot(tmp_path / "phone.heic", fmt="HEIF")
    result = run("check", str(heic), "--json", cwd=tmp_path)
    assert result.returncode == 1
    (record,) = records(result.stdout)
    fmt = next(c for c in record["checks"] if c["id"] == "format")
    assert fmt["verdict"] == "fail" and "HEIF" in fmt["message"]


def test_presets_lists_every_preset_with_its_rules(tmp_path: Path) -> None:
    result = run("presets", cwd=tmp_path)
    assert result.returncode == 0 and result.stderr == ""
    lines = result.stdout.splitlines()
    for preset in PRESETS:
        (row,) = [line for line in lines if line.split(" ", 1)[0] == preset.id]
        assert preset.name in row
        assert preset.note.split(";")[0] in result.stdout
    amazon = lines[lines.index(next(line for line in lines if line.startswith("amazon "))) + 1]
    assert "pure white 255,255,255" in amazon and "at least 85%" in amazon
    assert "at least 500 px" in amazon and "1000 px for zoom" in amazon
