"""Finding the photos in what the user dropped or named: folders walked, files that are not
photos reported by name, the app's own folders left out; and a photo's fingerprint, so the same
photo in the same style is not paid for twice."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from app.core.job import Job
from app.images.intake import IMAGE_EXTENSIONS


@dataclass
class AddResult:
    jobs: list[Job] = field(default_factory=list)
    skipped: list[Path] = field(default_factory=list)  # files in folders that are not photos
    duplicates: list[Job] = field(default_factory=list)  # photos already made in this style


def collect_photos(paths: Iterable[str | Path], exclude: Iterable[Path] = ()
                   ) -> tuple[list[Path], list[Path]]:
    """Expand folders (recursively) into photo files. Files named explicitly are always kept:
    a file that cannot be used becomes a failed job with its reason, not a silent drop.

    Folders in ``exclude`` (the app's own data and output folders) are never walked, so a
    folder that holds earlier results does not feed them back in as new photos.
    """
    excluded = [Path(p).expanduser().absolute() for p in exclude]
    photos: list[Path] = []
    skipped: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser().absolute()
        if not path.is_dir():
            photos.append(as_text(path))
            continue
        for child in sorted(path.rglob("*")):
            if child.name.startswith(".") or not child.is_file():
                continue
            if any(child.is_relative_to(folder) for folder in excluded):
                continue
            if child.suffix.lower() in IMAGE_EXTENSIONS:
                photos.append(as_text(child))
            else:
                skipped.append(as_text(child))
    return photos, skipped


def as_text(path: Path) -> Path:
    """``path`` when its name is text; else the same path with each byte that is not UTF-8
    shown as U+FFFD.

    On Linux a file name is bytes: one made on a system with another character set
    (``caf\xe9.jpg`` in Latin-1) reaches Python with lone surrogates, which the job history
    (SQLite), the JSON output and the log cannot hold. The stand-in name no longer opens the
    file, so its job fails alone, saying to rename it (app.images.intake.read_photo), while
    the rest of the batch runs."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return Path(os.fsencode(text).decode("utf-8", "replace"))
    return path


def file_hash(path: Path) -> str | None:
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return None
    return digest.hexdigest()
