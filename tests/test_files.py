"""Atomic writes and output names: a kill leaves no half file, a result never overwrites."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.core.files import atomic_write_bytes, atomic_write_new, remove_stale_parts
from app.core.storage import output_name


def test_atomic_write_replaces_whole_and_leaves_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "a" / "x.bin"
    atomic_write_bytes(target, b"one")
    atomic_write_bytes(target, b"two")
    assert target.read_bytes() == b"two"
    assert sorted(p.name for p in target.parent.iterdir()) == ["x.bin"]


def test_atomic_write_new_never_overwrites(tmp_path: Path) -> None:
    first = atomic_write_new(tmp_path / "cup_studio_white.png", b"1")
    second = atomic_write_new(tmp_path / "cup_studio_white.png", b"2")
    third = atomic_write_new(tmp_path / "cup_studio_white.png", b"3")
    assert [p.name for p in (first, second, third)] == [
        "cup_studio_white.png", "cup_studio_white (2).png", "cup_studio_white (3).png"]
    assert [p.read_bytes() for p in (first, second, third)] == [b"1", b"2", b"3"]
    assert not list(tmp_path.glob(".*.part"))


def test_a_killed_writer_leaves_only_a_hidden_part_file_that_is_tidied(tmp_path: Path) -> None:
    tmp_path = tmp_path / "folder"
    tmp_path.mkdir()
    # A child process starts writing a large file and is killed mid-way.
    script = (
        "import os, sys, tempfile\n"
        "fd, tmp = tempfile.mkstemp(dir=sys.argv[1], prefix='.big.png.', suffix='.part')\n"
        "os.write(fd, b'x' * 1000); os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path)], check=False)
    assert not (tmp_path / "big.png").exists()
    assert remove_stale_parts(tmp_path) == 1
    assert os.listdir(tmp_path) == []


def test_output_names_follow_the_pattern_and_stay_safe() -> None:
    assert output_name("/p/IMG_0042.HEIC", "studio_white", "{name}_{style}", ".png") == (
        "IMG_0042_studio_white.png")
    assert output_name("/p/mug.jpg", "flat_lay", "{style}-{name}", ".jpg") == "flat_lay-mug.jpg"
    assert output_name("/p/mug.jpg", "banner", "{nope}", ".png") == "mug_banner.png"
    assert output_name("/p/a.jpg", "x", "sub/dir:{name}", ".png") == "sub_dir_a.png"


def test_written_files_get_normal_permissions(tmp_path: Path) -> None:
    import stat

    umask = os.umask(0o022)
    os.umask(umask)
    expected = 0o666 & ~umask
    first = atomic_write_bytes(tmp_path / "result.png", b"x")
    second = atomic_write_new(tmp_path / "export.png", b"y")
    for path in (first, second):
        assert stat.S_IMODE(path.stat().st_mode) == expected  # not mkstemp's 0600
