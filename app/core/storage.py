"""The app's files: upload copies, results exactly as received, thumbnails, exported results.

Every write goes to a temporary name and is renamed into place, so a kill never leaves a
half-written file; an exported result never replaces an existing file.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

from app.core.files import atomic_write_bytes, atomic_write_new, first_free, remove_stale_parts
from app.core.job import Job
from app.core.paths import AppPaths

MIME_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp",
                   "image/heic": ".heic", "image/heif": ".heif", "image/gif": ".gif"}

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def extension_for(mime: str) -> str:
    return MIME_EXTENSIONS.get(mime.lower(), ".img")


def output_name(source: str, style: str, pattern: str, extension: str) -> str:
    """``<photo name>_<style>.<ext>`` by default; the pattern may use {name} and {style}."""
    stem = Path(source).stem
    try:
        name = pattern.format(name=stem, style=style)
    except (KeyError, IndexError, ValueError):
        name = f"{stem}_{style}"  # a broken pattern must not lose the result
    name = _UNSAFE.sub("_", name).strip(" .") or f"{stem}_{style}"
    return name[:180] + extension


class Storage:
    def __init__(self, paths: AppPaths) -> None:
        self.paths = paths.ensure()

    def tidy(self, output_dir: Path | None = None) -> int:
        """Remove temporary files a killed run left behind, in the output folder too (a kill
        during an export leaves a hidden ``.<name>.<random>.part`` there)."""
        folders = [self.paths.uploads, self.paths.results, self.paths.thumbnails,
                   self.paths.spool]
        if output_dir is not None:
            folders.append(output_dir)
        return sum(remove_stale_parts(folder) for folder in folders)

    def write_upload(self, job_id: str, data: bytes, extension: str) -> Path:
        return atomic_write_bytes(self.paths.uploads / f"{job_id}{extension}", data,
                                  durable=False)

    def write_result(self, job_id: str, data: bytes, mime: str) -> Path:
        return atomic_write_bytes(self.paths.results / f"{job_id}{extension_for(mime)}", data)

    def write_thumbnail(self, job_id: str, kind: str, data: bytes, mime: str) -> Path:
        name = f"{job_id}.{kind}{extension_for(mime)}"
        return atomic_write_bytes(self.paths.thumbnails / name, data, durable=False)

    @staticmethod
    def output_target(source: str, style: str, mime: str, out_dir: Path, pattern: str) -> Path:
        """The first free name for a result in the output folder."""
        return first_free(
            out_dir / output_name(source, style, pattern, extension_for(mime)))

    @staticmethod
    def export(target: Path, data: bytes) -> Path:
        """Save a result for the user at ``target`` or, if that is taken, the next free name."""
        return atomic_write_new(target, data)

    def remove_job_files(self, job: Job) -> None:
        """Forget a job's private files. The exported result in the output folder stays."""
        for name in (job.upload_path, job.thumbnail_path, job.result_thumbnail_path,
                     job.result_path):
            if name:
                with contextlib.suppress(OSError):
                    Path(name).unlink(missing_ok=True)
