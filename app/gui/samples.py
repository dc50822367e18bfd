"""The sample photos shipped in ``resources/samples`` (licences in LICENSES.md beside them)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from app.core.paths import resource_dir

SAMPLE_EXTENSIONS = (".jpg", ".jpeg", ".png")


@cache
def sample_photos() -> tuple[Path, ...]:
    """Read once (a directory listing of a handful of files, at first use)."""
    folder = resource_dir() / "samples"
    if not folder.is_dir():
        return ()
    return tuple(sorted(p for p in folder.iterdir() if p.suffix.lower() in SAMPLE_EXTENSIONS))
