"""What the file dialogs offer: photos (every kind the app takes, also .avif) starting in the
Pictures folder, and Save as in PNG, JPEG or WebP."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDir, QStandardPaths

from app.gui.image_export import format_for

# Save as: Pillow's format and its extensions (the first is the one added to a bare name).
SAVE_FORMATS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("PNG", (".png",)), ("JPEG", (".jpg", ".jpeg")), ("WEBP", (".webp",)))


def pictures_folder() -> str:
    """Where phone photos usually land: the Pictures folder (the home folder without one)."""
    return (QStandardPaths.writableLocation(QStandardPaths.StandardLocation.PicturesLocation)
            or QDir.homePath())


def photo_patterns() -> str:
    from app.images.intake import IMAGE_EXTENSIONS

    # AVIF is taken by the engine (newer phones save it); listed here even before the
    # extension list names it, so the dialog never hides such a photo.
    extensions = sorted(set(IMAGE_EXTENSIONS) | {".avif"})
    patterns = [f"*{ext}" for ext in extensions]
    if sys.platform not in ("win32", "darwin"):
        # Linux dialogs match case-sensitively; cameras write IMG_0001.JPG.
        patterns += [f"*{ext.upper()}" for ext in extensions]
    return " ".join(patterns)


def photo_filter(tr: Callable[[str], str]) -> str:
    return tr("Photos (%1);;All files (*)").replace("%1", photo_patterns())


def save_filters(tr: Callable[[str], str]) -> list[str]:
    words = {"PNG": tr("PNG picture"), "JPEG": tr("JPEG picture"), "WEBP": tr("WebP picture")}
    return [f"{words[kind]} ({' '.join('*' + e for e in extensions)})"
            for kind, extensions in SAVE_FORMATS]


def filter_for(path: str, tr: Callable[[str], str]) -> str:
    """The Save as filter matching ``path``'s format (PNG for anything else)."""
    kind = format_for(path) or "PNG"
    filters = save_filters(tr)
    return next(f for f, (k, _e) in zip(filters, SAVE_FORMATS, strict=True) if k == kind)


def with_format(path: str, chosen_filter: str, tr: Callable[[str], str]) -> str:
    """The name the file is written under: as typed when its extension names a format Save as
    writes; else with the extension of the format chosen in the dialog added."""
    if format_for(path) is not None:
        return path
    for line, (_kind, extensions) in zip(save_filters(tr), SAVE_FORMATS, strict=True):
        if line == chosen_filter:
            return str(Path(path)) + extensions[0]
    return str(Path(path)) + ".png"
