"""The app's files: upload copies, results exactly as received, thumbnails, exported results.

Every write goes to a temporary name and is renamed into place, so a kill never leaves a
half-written file; an exported result never replaces an existing file.
"""

from __future__ import annotations

import contextlib
import re
import unicodedata
from pathlib import Path

from app.core.files import atomic_write_bytes, atomic_write_new, first_free, remove_stale_parts
from app.core.job import Job
from app.core.paths import AppPaths

MIME_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp",
                   "image/heic": ".heic", "image/heif": ".heif", "image/gif": ".gif"}

# Not allowed in a name somewhere (Windows), or trouble when shown: control characters, line
# separators, bidirectional overrides (``gpj.exe`` shown as ``exe.jpg``), stray surrogates.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069'
                     r'\ud800-\udfff]+')
# File systems allow 255 bytes per name (UTF-8 on Linux; macOS counts decomposed accents; Windows
# 255 UTF-16 units, never more than the UTF-8 bytes). The name is kept well under that: " (2)"
# may be added, and the temporary ".<name>.<random>.part" it is written under needs 15 more.
MAX_NAME_BYTES = 200


def extension_for(mime: str) -> str:
    return MIME_EXTENSIONS.get(mime.lower(), ".img")


def _name_bytes(text: str) -> int:
    """What a name costs on the most demanding file system (decomposed on macOS)."""
    return max(len(text.encode("utf-8", "surrogatepass")),
               len(unicodedata.normalize("NFD", text).encode("utf-8", "surrogatepass")))


def _fill(stem: str, style: str, pattern: str) -> str:
    try:
        name = pattern.format(name=stem, style=style)
    except (KeyError, IndexError, ValueError, AttributeError):
        name = f"{stem}_{style}"  # a broken pattern must not lose the result
    return _UNSAFE.sub("_", name).strip(" .") or _UNSAFE.sub("_", f"{stem}_{style}").strip(" .")


def _cut_to_bytes(text: str, limit: int) -> str:
    """The longest start of ``text`` that fits in ``limit`` bytes, cut between characters."""
    low, high = 0, len(text)
    while low < high:
        middle = (low + high + 1) // 2
        if _name_bytes(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return text[:low]


def output_name(source: str, style: str, pattern: str, extension: str) -> str:
    """``<photo name>_<style>.<ext>`` by default; the pattern may use {name} and {style}.

    A long photo name is shortened (never the style or the extension) so that the name fits
    the file system in bytes, whatever the script: 240 bytes of CJK or accented letters are
    only 80 to 120 characters."""
    stem = Path(source).stem
    budget = MAX_NAME_BYTES - _name_bytes(extension)
    name = _fill(stem, style, pattern)
    if _name_bytes(name) <= budget:
        return name + extension
    # The longest start of the photo's name with which the whole name fits.
    low, high = 0, len(stem)
    while low < high:
        middle = (low + high + 1) // 2
        if _name_bytes(_fill(stem[:middle].rstrip(), style, pattern)) <= budget:
            low = middle
        else:
            high = middle - 1
    name = _fill(stem[:low].rstrip(), style, pattern)
    if _name_bytes(name) > budget:  # the pattern alone is too long: keep its start
        name = _cut_to_bytes(name, budget).rstrip(" .") or "result"
    return name + extension


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

    def write_mask(self, job_id: str, data: bytes) -> Path:
        """A local cut-out's mask: kept safely, a touch-up is the user's work."""
        return atomic_write_bytes(self.paths.results / f"{job_id}.mask.png", data)

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
                     job.result_path, job.mask_path):
            if name:
                with contextlib.suppress(OSError):
                    Path(name).unlink(missing_ok=True)
