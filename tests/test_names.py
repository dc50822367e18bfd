"""File names that do not break runs: names that are not UTF-8, names too long for the file
system once the style is added, names with line breaks or terminal escapes.

The command line runs as a real subprocess (mock mode) on real files with such names.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from PIL import Image

from app.core.photos import as_text, collect_photos
from app.core.printable import printable
from app.core.storage import MAX_NAME_BYTES, output_name
from tests.processes import child_env

NAME_MAX = 255  # bytes per name on ext4, XFS, Btrfs, APFS


def results(out_dir: Path) -> list[str]:
    """The names of the results saved under the output folder (demo results may sit in a
    subfolder of it), each without the "_demo" mark demo results carry."""
    return sorted(p.name.replace("_demo.", ".") for p in out_dir.rglob("*") if p.is_file())


def style_suffix(name: str, style: str) -> str:
    """``name``'s ending from the style on: "_<style>[_demo][ (n)].png"; "" when it has none."""
    found = re.search(rf"_{style}(_demo)?( \(\d+\))?\.png$", name)
    return found.group() if found else ""


@pytest.fixture
def cli_env(mock_env: dict[str, str]) -> dict[str, str]:
    return child_env(mock_env)


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "app", *args], env=env, capture_output=True,
                          text=True, errors="backslashreplace", timeout=180)


def records(stdout: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in stdout.splitlines() if line.strip()]


def jpeg() -> bytes:
    import io

    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 120, 90)).save(buffer, "JPEG")
    return buffer.getvalue()


def write_raw(folder: Path, name: bytes, data: bytes) -> bytes:
    """Create ``folder/name`` with the name as raw bytes, as another system would have."""
    path = os.path.join(os.fsencode(str(folder)), name)
    with open(path, "wb") as handle:
        handle.write(data)
    return path


needs_byte_names = pytest.mark.skipif(
    sys.platform in ("win32", "darwin"),
    reason="only Linux-like file systems store names that are not UTF-8")


# Names that are not UTF-8 -----------------------------------------------------------------

@needs_byte_names
def test_a_name_that_is_not_utf8_fails_alone_and_the_rest_run(
        cli_env: dict[str, str], tmp_path: Path, out_dir: Path, data_dir: Path) -> None:
    shop = tmp_path / "shop"
    shop.mkdir()
    photo = jpeg()
    for name in ("a.jpg", "b.jpg"):
        (shop / name).write_bytes(photo)
    write_raw(shop, b"caf\xe9.jpg", photo)  # Latin-1, from an old camera or a Windows share
    (shop / "notes").mkdir()
    write_raw(shop / "notes", b"r\xe9sum\xe9.txt", b"not a photo")

    result = run(["generate", str(shop), "--json"], cli_env)

    assert result.returncode == 1, result.stderr  # one failed, none lost
    assert "Traceback" not in result.stderr and "Logging error" not in result.stderr
    lines = records(result.stdout)
    by_name = {Path(str(line["source"])).name: line for line in lines}
    assert set(by_name) == {"a.jpg", "b.jpg", "caf\ufffd.jpg"}
    assert by_name["a.jpg"]["status"] == by_name["b.jpg"]["status"] == "completed"
    odd = by_name["caf\ufffd.jpg"]
    assert odd["status"] == "failed" and odd["output"] is None
    assert "not valid text" in str(odd["error"]) and "Rename" in str(odd["error"])
    assert "r\ufffdsum\ufffd.txt" in result.stderr and "skipped" in result.stderr
    assert results(out_dir) == ["a_studio_white.png", "b_studio_white.png"]
    with sqlite3.connect(data_dir / "jobs.sqlite3") as db:
        assert db.execute("SELECT count(*) FROM jobs").fetchone() == (3,)
    # The history and the log hold the name readably; `jobs` lists it.
    listed = run(["jobs"], cli_env)
    assert listed.returncode == 0 and "caf\ufffd.jpg" in listed.stderr + listed.stdout
    log = (data_dir / "logs" / "productsnap.log").read_text("utf-8")
    assert "Traceback" not in log


@needs_byte_names
def test_such_a_name_given_by_itself_fails_with_its_reason(
        cli_env: dict[str, str], tmp_path: Path) -> None:
    raw = write_raw(tmp_path, b"\xff\xfephoto.jpg", jpeg())
    good = tmp_path / "good.jpg"
    good.write_bytes(jpeg())
    result = subprocess.run([os.fsencode(sys.executable), b"-m", b"app", b"generate", raw,
                             os.fsencode(str(good))], env=cli_env, capture_output=True,
                            timeout=180)
    stderr = result.stderr.decode("utf-8", "backslashreplace")
    assert result.returncode == 1, stderr
    assert "Traceback" not in stderr
    assert "done     good.jpg" in stderr and "not valid text" in stderr


def test_as_text_keeps_text_names_and_marks_the_bytes_of_others() -> None:
    plain = Path("/photos/caf\u00e9 \u5199\u771f.jpg")
    assert as_text(plain) is plain
    odd = Path(os.fsdecode(b"/photos/caf\xe9.jpg"))
    assert str(as_text(odd)) == "/photos/caf\ufffd.jpg"
    str(as_text(odd)).encode("utf-8")  # storable, printable, loggable


@needs_byte_names
def test_collect_photos_gives_every_name_as_text(tmp_path: Path) -> None:
    write_raw(tmp_path, b"ok.jpg", b"x")
    write_raw(tmp_path, b"caf\xe9.jpg", b"x")
    write_raw(tmp_path, b"caf\xe9.txt", b"x")
    photos, skipped = collect_photos([tmp_path])
    assert sorted(p.name for p in photos) == ["caf\ufffd.jpg", "ok.jpg"]
    assert [p.name for p in skipped] == ["caf\ufffd.txt"]
    for path in photos + skipped:
        str(path).encode("utf-8")


# Long names --------------------------------------------------------------------------------

@pytest.mark.parametrize("stem", [
    "\u5199\u771f" * 40,  # 80 CJK characters: 240 bytes
    "\u00e9t\u00e9" * 48,  # accented Latin: 240 bytes (144 characters)
    "cafe\u0301" * 40,  # decomposed accents: 240 bytes
    "a" * 240,
], ids=["cjk", "accented", "decomposed", "ascii"])
def test_a_long_name_is_shortened_to_fit_and_keeps_style_and_extension(
        cli_env: dict[str, str], tmp_path: Path, out_dir: Path, stem: str) -> None:
    assert len(stem.encode()) == 240
    photo = tmp_path / f"{stem}.jpg"
    photo.write_bytes(jpeg())
    for attempt in (1, 2):  # the second result gets " (2)" and must fit too
        result = run(["generate", str(photo), "--mode", "lifestyle_kitchen", "--json"],
                     cli_env)
        assert result.returncode == 0, result.stderr
        (line,) = records(result.stdout)
        assert line["status"] == "completed", line
        output = Path(str(line["output"]))
        assert output.is_file() and output.is_relative_to(out_dir)
        name = output.name
        assert len(name.encode()) <= NAME_MAX
        suffix = style_suffix(name, "lifestyle_kitchen")
        assert suffix and ("(2)" in suffix) == (attempt == 2), name
        kept = name.removesuffix(suffix)
        assert kept and stem.startswith(kept)  # the start of the photo's own name
    assert len(results(out_dir)) == 2


def test_output_name_counts_bytes_not_characters() -> None:
    for stem in ("\u5199" * 200, "\u00e9" * 300, "x" * 400, "\U0001f4f7" * 100):
        name = output_name(f"/in/{stem}.heic", "studio_white", "{name}_{style}", ".png")
        assert name.endswith("_studio_white.png")
        assert len(name.encode()) <= MAX_NAME_BYTES
        assert len(unicodedata.normalize("NFD", name).encode()) <= MAX_NAME_BYTES
        assert stem.startswith(name.removesuffix("_studio_white.png"))
    # Short names are untouched; a pattern naming the photo twice is shortened as a whole.
    assert output_name("/in/mug.jpg", "flat_lay", "{name}_{style}", ".png") == "mug_flat_lay.png"
    twice = output_name("/in/" + "\u00e9" * 200 + ".jpg", "banner", "{name}-{style}-{name}",
                        ".webp")
    assert len(twice.encode()) <= MAX_NAME_BYTES and "-banner-" in twice
    # Korean syllables take three times the bytes once decomposed (as macOS stores names).
    korean = output_name("/in/" + "\ud55c" * 80 + ".jpg", "outdoor", "{name}_{style}", ".png")
    assert len(unicodedata.normalize("NFD", korean).encode()) <= MAX_NAME_BYTES
    # A pattern far too long by itself still gives a name that fits.
    huge = output_name("/in/a.jpg", "outdoor", "x" * 500 + "{name}", ".png")
    assert huge.endswith(".png") and len(huge.encode()) <= MAX_NAME_BYTES


# Names with line breaks and escapes -----------------------------------------------------------

@needs_byte_names
def test_names_with_line_breaks_and_escapes_complete_and_print_safely(
        cli_env: dict[str, str], tmp_path: Path, out_dir: Path) -> None:
    shop = tmp_path / "shop"
    shop.mkdir()
    names = ["a\nb.jpg", "\x1b[31mred.jpg", "tab\there.jpg", "rtl\u202egpj.exe.jpg"]
    for name in names:
        (shop / name).write_bytes(jpeg())
    result = run(["generate", str(shop), "--json"], cli_env)
    assert result.returncode == 0, result.stderr
    lines = records(result.stdout)  # one JSON object per line: the line break is escaped
    assert sorted(Path(str(line["source"])).name for line in lines) == sorted(names)
    assert all(line["status"] == "completed" for line in lines)
    # The results' names hold no control characters and no direction override.
    assert results(out_dir) == [
        "_[31mred_studio_white.png", "a_b_studio_white.png", "rtl_gpj.exe_studio_white.png",
        "tab_here_studio_white.png"]


def test_printable_shows_control_characters_and_stray_bytes_visibly() -> None:
    kept = "caf\u00e9 \u5199\u771f \U0001f4f7.jpg"  # accents, CJK, emoji: shown as they are
    assert printable(kept) == kept
    assert printable("a\nb.jpg") == "a\\nb.jpg"
    assert printable("\x1b[31mred.jpg") == "\\x1b[31mred.jpg"
    assert printable("tab\there\r\x00\x7f\x85") == "tab\\there\\r\\x00\\x7f\\x85"
    assert printable("rtl\u202egpj.exe") == "rtl\\u202egpj.exe"
    assert printable("line\u2028sep") == "line\\u2028sep"
    assert printable(os.fsdecode(b"caf\xe9.jpg")) == "caf\\xe9.jpg"  # the byte it really is
    assert printable("\ud800x") == "\\ud800x"
    assert printable("C:\\photos\\a.jpg") == "C:\\photos\\a.jpg"  # backslashes stay
    shown = printable("".join(chr(c) for c in range(0x20)) + "\ud834")
    shown.encode("ascii")  # nothing unprintable is left
    assert "\n" not in shown and "\x1b" not in shown
