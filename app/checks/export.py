"""Writing a finished result as a marketplace wants it: format, colour, size, name, AI label.

The sizing rule (one for the command line and the window):

- never larger than the preset's ``max_edge`` / ``max_pixels``: a bigger result is shrunk;
- without ``fix`` never enlarged: the file holds the model's pixels as they are, and the check
  says so when they are too few;
- with ``fix``, a result whose long side is below what the preset needs for zoom
  (``zoom_edge``, else ``min_edge``) is enlarged to its ``recommended_edge``, and the export
  says so (``upscaled``): the check is then run with the native size, so it never mistakes
  enlarged pixels for detail. A result that already clears the zoom size is not enlarged:
  enlarging adds no detail, and marketplaces discourage it.

Always: the preset's first format; colours converted (not relabelled) to sRGB; transparency
composed on white whenever the file may not have it (JPEG, or a preset without alpha); no
metadata from anywhere but the IPTC label (``provenance.labelled``).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from app.checks.fixes import flatten_on_white, frame_product, snap_near_white
from app.checks.image_checks import CheckReport, background_mask, check_image
from app.checks.presets import Background, Preset
from app.checks.provenance import labelled, source_type_for
from app.core.files import atomic_write_new
from app.core.job import Job, JobStatus
from app.core.storage import output_name
from app.services.errors import PhotoUnusableError

QUALITY_STEPS = (92, 86, 80, 72)  # JPEG/WEBP quality, lowered only to stay under max_bytes
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}
DEMO_FOLDER = "Demo"  # demo exports never sit beside real ones (as the engine's results)
_ANY_SIZE = (1 << 20, 1 << 20)  # decode at full size


class ExportError(Exception):
    """This job cannot be exported; the message says why in words the user can act on."""


@dataclass(frozen=True)
class Rendered:
    data: bytes
    format: str
    size: tuple[int, int]
    native_size: tuple[int, int]  # the same frame at the model's own pixel density
    upscaled: bool
    fixes: tuple[str, ...]


@dataclass(frozen=True)
class ExportResult:
    job_id: str
    output: Path
    preset: str
    rendered: Rendered
    report: CheckReport

    @property
    def upscaled(self) -> bool:
        return self.rendered.upscaled

    @property
    def verdict(self) -> str:
        return self.report.verdict

    def as_record(self) -> dict[str, object]:
        """The command line's JSON line for this file."""
        return {"job_id": self.job_id, "output": str(self.output), "preset": self.preset,
                "upscaled": self.upscaled, "verdict": self.verdict}


# --- sizing and rendering ------------------------------------------------------------------


def target_size(size: tuple[int, int], preset: Preset, fix: bool) -> tuple[int, int]:
    """The exported size for a frame of ``size`` pixels (see the module's sizing rule)."""
    width, height = size
    long_side = max(size)
    edge = long_side
    needed = preset.zoom_edge or preset.min_edge
    if fix and preset.recommended_edge and needed and long_side < needed:
        edge = preset.recommended_edge
    if preset.max_edge:
        edge = min(edge, preset.max_edge)
    scale = edge / long_side
    if preset.max_pixels and width * height * scale * scale > preset.max_pixels:
        scale = math.sqrt(preset.max_pixels / (width * height))
    if scale == 1.0:
        return size
    return max(1, math.floor(width * scale)), max(1, math.floor(height * scale))


def render(data: bytes, preset: Preset, source_type: str, *, fix: bool = False) -> Rendered:
    """The exported file's bytes for a result file's bytes. PhotoUnusableError when the result
    cannot be decoded."""
    image, _ = _decode(data)
    fmt = preset.formats[0]
    fixes: list[str] = []
    keeps_alpha = preset.alpha_allowed and fmt in ("PNG", "WEBP") and not fix
    if image.mode != "RGB" and not keeps_alpha:
        image = flatten_on_white(image)
        fixes.append("transparency flattened on white")
    if fix:
        framed = frame_product(image, preset)
        image = framed.image
        fixes.extend(framed.fixes)
        if preset.background is Background.PURE_WHITE:
            # Before any enlarging: flat white stays exactly 255 through the resampling.
            image, snapped = snap_near_white(image, background_mask(image))
            if snapped:
                fixes.append("near-white background made pure white")
    native = image.size
    size = target_size(native, preset, fix)
    if size != native:
        image = (image.resize(size, Image.Resampling.BICUBIC) if size[0] > native[0]
                 else image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0))
    upscaled = size[0] > native[0] or size[1] > native[1]
    encoded = _encode(image, fmt, source_type, preset.max_bytes)
    return Rendered(encoded, fmt, size, native, upscaled, tuple(fixes))


def _decode(data: bytes) -> tuple[Image.Image, tuple[int, int]]:
    # Upright, colours converted to sRGB through the file's ICC profile (ImageCms), and no
    # metadata at all: ``image.info`` is emptied there.
    from app.images.intake import decode_image

    return decode_image(data, box=_ANY_SIZE, name="result")


def _encode(image: Image.Image, fmt: str, source_type: str, max_bytes: int | None) -> bytes:
    encoded = b""
    for quality in QUALITY_STEPS:
        encoded = labelled(image, source_type, format=fmt, quality=quality)
        if max_bytes is None or len(encoded) <= max_bytes or fmt == "PNG":
            break
    return encoded


# --- names and folders ---------------------------------------------------------------------


def export_folder(output_dir: Path, preset: Preset, job: Job) -> Path:
    """The default folder: ``<output folder>/<preset id>/``; a demo result's under Demo/ (a
    local cut-out is a real result in demo mode too)."""
    base = output_dir / DEMO_FOLDER if job.is_demo_result else output_dir
    return base / preset.id


def _plain(text: str) -> str:
    """Letters and digits only, accents dropped: a field of a name whose separators are periods
    (Amazon's ``ASIN.MAIN.jpg``: no spaces, dashes or underscores)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9]+", "", ascii_text)[:100]


def strict_naming(preset: Preset) -> bool:
    """Names whose parts are separated by periods only (Amazon's bulk names)."""
    return "." in preset.naming


def export_name(job: Job, preset: Preset, n: int, extension: str) -> str:
    """The file name from ``preset.naming``: {name} the photo's stem, {style}, {asin} (the
    stem, which bulk uploads use for the ASIN or SKU) and {n} (the running number)."""
    stem = Path(job.source_path).stem
    if strict_naming(preset):
        fields = {"name": _plain(stem) or "item", "asin": _plain(stem) or "item",
                  "style": _plain(job.style), "n": str(n)}
        try:
            name = preset.naming.format(**fields)
        except (KeyError, IndexError, ValueError):
            name = fields["name"]
        return name + extension
    pattern = preset.naming.replace("{n}", str(n)).replace("{asin}", "{name}")
    return output_name(job.source_path, job.style, pattern, extension)


def free_path(folder: Path, name: str, strict: bool) -> Path:
    """``folder/name`` or, when taken, the next free name: ``mug.MAIN.2.jpg`` for a strict name
    (periods only), ``mug_studio (2).jpg`` otherwise. Never an existing file."""
    path = folder / name
    stem, extension = path.stem, path.suffix
    k = 1
    while path.exists():
        k += 1
        path = folder / (f"{stem}.{k}{extension}" if strict else f"{stem} ({k}){extension}")
    return path


# --- one job -------------------------------------------------------------------------------


def result_bytes(job: Job) -> bytes:
    """The job's result as the model made it: the stored copy, else the one in the output
    folder. ExportError when neither is there."""
    if job.status is not JobStatus.COMPLETED:
        raise ExportError(f"It is {job.status.value}, not completed: there is no result yet.")
    for name in (job.result_path, job.output_path):
        if name:
            try:
                return Path(name).read_bytes()
            except OSError:
                continue
    raise ExportError("Its result is no longer on the disk (moved or deleted). Make it again "
                      "with `productsnap retry` or Make another version.")


def labelled_result(job: Job, format: str | None = None) -> bytes:
    """The job's result for Save as...: the model's very pixels (a JPEG or PNG is not
    re-encoded) with the AI label and no other metadata; ``format`` ("JPEG", "PNG", "WEBP")
    when the user chose another type. ExportError when there is no result to save."""
    try:
        return labelled(result_bytes(job), source_type_for(job), format=format)
    except PhotoUnusableError as error:
        raise ExportError(f"Its result cannot be read: {error.message}") from error


def export_job(job: Job, preset: Preset, out_dir: Path, *, fix: bool = False,
               n: int = 1) -> ExportResult:
    """Write ``job``'s result to ``out_dir`` for ``preset`` (never over an existing file) and
    check the written bytes. ExportError when there is nothing usable to export; OSError when
    the folder cannot take the file."""
    data = result_bytes(job)
    try:
        rendered = render(data, preset, source_type_for(job), fix=fix)
    except PhotoUnusableError as error:
        raise ExportError(f"Its result cannot be read: {error.message}") from error
    extension = EXTENSIONS[rendered.format]
    target = free_path(out_dir, export_name(job, preset, n, extension), strict_naming(preset))
    written = atomic_write_new(target, rendered.data)
    report = check_image(rendered.data, preset, file=str(written),
                         native_size=rendered.native_size if rendered.upscaled else None)
    return ExportResult(job.id, written, preset.id, rendered, report)
