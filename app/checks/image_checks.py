"""The checks any photo can get against a marketplace preset, computed locally with Pillow.

``check_image`` decodes the file once and judges it:

- ``readable``: the file opens as an image (a file that does not is the only check then);
- ``background``: the share of border pixels that are exactly 255,255,255 and the worst
  deviation, for presets that want pure white (transparency counts as not white);
- ``fill``: the product's bounding box (from the background mask) against the frame;
- ``size``: the longest side against the preset's minimum, zoom size and maximum (with
  ``native_size``, an enlarged export is judged by the detail it really has);
- ``format``: the file format, the name's extension against the content, the file size;
- ``colour``: sRGB (no CMYK, no other embedded profile) and transparency.

The overall verdict is the worst check's. Every check that does not pass says why in words a
shop owner understands, naming the marketplace. Nothing here raises for a bad file.
"""

from __future__ import annotations

import io
import stat
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from PIL import Image, ImageChops, UnidentifiedImageError

from app.checks.masks import (
    Backdrop,
    as_rgb,
    background_mask,
    border_strips,
    estimate_backdrop,
    product_box,
)
from app.checks.presets import Background, Preset

__all__ = ["Check", "CheckReport", "Verdict", "background_mask", "check_file", "check_image",
           "worst_verdict"]

Verdict = Literal["pass", "warn", "fail"]
_RANK: dict[Verdict, int] = {"pass": 0, "warn": 1, "fail": 2}

PURE_WHITE_MIN_SHARE = 0.995  # of the border pixels exactly 255,255,255
OFF_WHITE_LEVEL = 230  # a border mostly this light or lighter is "off-white", not "not white"
FILL_SLACK = 0.03  # this far under the preset's minimum fill is a warning, further a failure
SQUARE_TOLERANCE = 0.01  # sides within 1% of each other count as square
MAX_FILE_BYTES = 200 * 1024 * 1024  # as app.images.intake: a bigger file is not a photo
MAX_PIXELS = 120_000_000  # as app.images.intake: a bigger header is a bomb, not a photo

# Only image formats (no EPS, which would run Ghostscript on a file claiming to be a photo).
_FORMATS = ("JPEG", "MPO", "PNG", "WEBP", "TIFF", "BMP", "GIF", "AVIF", "HEIF")
_EXTENSION_FORMATS = {
    ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG", ".jfif": "JPEG", ".png": "PNG",
    ".webp": "WEBP", ".tif": "TIFF", ".tiff": "TIFF", ".bmp": "BMP", ".gif": "GIF",
    ".avif": "AVIF", ".heic": "HEIF", ".heif": "HEIF",
}
_FORMAT_EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp", "TIFF": ".tif",
                      "BMP": ".bmp", "GIF": ".gif", "AVIF": ".avif", "HEIF": ".heic"}
_WHITE_ONLY = [0] * 255 + [255]  # per channel: 255 stays, anything else becomes 0
_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}
# sRGB's primaries as an ICC profile states them (D50-adapted xy), for profiles named otherwise
# (Facebook's compact "c2", "sRGB2014" under another name...).
_SRGB_PRIMARIES = ((0.6484, 0.3309), (0.3212, 0.5979), (0.1559, 0.0661))


@dataclass(frozen=True)
class Check:
    id: str
    verdict: Verdict
    message: str
    value: object  # JSON-serialisable


@dataclass(frozen=True)
class CheckReport:
    file: str
    preset: str
    verdict: Verdict
    checks: tuple[Check, ...]

    def as_record(self) -> dict[str, object]:
        return {"file": self.file, "preset": self.preset, "verdict": self.verdict,
                "checks": [{"id": check.id, "verdict": check.verdict,
                            "message": check.message, "value": check.value}
                           for check in self.checks]}

    def check(self, check_id: str) -> Check | None:
        """The check with this id, or None when the report has none (an unreadable file)."""
        return next((check for check in self.checks if check.id == check_id), None)


def worst_verdict(verdicts: Iterable[Verdict]) -> Verdict:
    return max(verdicts, key=_RANK.__getitem__, default="pass")


class _Unreadable(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- the public entry points ----------------------------------------------------------------


def check_file(path: Path, preset: Preset) -> CheckReport:
    """``check_image`` of the file at ``path``; a file that cannot be read is a report with the
    verdict "fail" and one check, "readable", that says why."""
    file = str(path)
    try:
        data = _read(path)
    except _Unreadable as problem:
        return _unreadable(file, preset, problem.message)
    return check_image(data, preset, file=file)


def check_image(data: bytes, preset: Preset, *, file: str = "",
                native_size: tuple[int, int] | None = None) -> CheckReport:
    """Judge the image file ``data`` against ``preset``. ``file`` is its name (its extension
    is checked against the content); ``native_size`` is the size the image really had before an
    export enlarged it, when it did: the size check then judges that, and says so."""
    try:
        image = _open(data)
        return _judge(image, data, preset, file, native_size)
    except _Unreadable as problem:
        return _unreadable(file, preset, problem.message)
    except MemoryError:
        return _unreadable(file, preset, "there was not enough memory to check this image")
    except Exception as error:  # decoders fail in every way there is
        return _unreadable(file, preset, _explain(error))


def _unreadable(file: str, preset: Preset, message: str) -> CheckReport:
    return CheckReport(file, preset.id, "fail", (Check("readable", "fail", message, None),))


# --- reading and decoding -------------------------------------------------------------------


def _read(path: Path) -> bytes:
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise _Unreadable("this is a folder, not an image file")
        if not stat.S_ISREG(info.st_mode):
            raise _Unreadable("this is not a regular file, so it cannot be an image to upload")
        if info.st_size > MAX_FILE_BYTES:
            raise _Unreadable(f"the file is too large to be a product photo "
                              f"({_megabytes(info.st_size)}); no marketplace accepts it")
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise _Unreadable("there is no such file (moved, renamed or mistyped?)") from None
    except IsADirectoryError:
        raise _Unreadable("this is a folder, not an image file") from None
    except PermissionError:
        raise _Unreadable("this file may not be read (check its permissions)") from None
    except OSError as error:
        raise _Unreadable(f"the file could not be read from the disk "
                          f"({error.strerror or error})") from None
    if len(data) > MAX_FILE_BYTES:
        raise _Unreadable("the file is too large to be a product photo")
    return data


def _open(data: bytes) -> Image.Image:
    if not data:
        raise _Unreadable("the file is empty (0 bytes)")
    if data[4:8] == b"ftyp" and data[8:12] not in (b"avif", b"avis"):  # HEIC and kin
        _register_heif()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image: Image.Image = Image.open(io.BytesIO(data), formats=_known_formats())
        except Image.DecompressionBombError:
            raise _Unreadable("the image is too large to check (its header claims far more "
                              "pixels than any product photo has)") from None
        width, height = image.size
        if width * height > MAX_PIXELS:
            raise _Unreadable(f"the image is too large to check ({width} x {height} pixels, "
                              f"{width * height / 1e6:.0f} megapixels)")
        image.load()  # a truncated file fails here: LOAD_TRUNCATED_IMAGES stays off
    return image


def _known_formats() -> list[str]:
    """``_FORMATS`` that Pillow can open here (HEIF only once pillow_heif is registered)."""
    Image.init()
    return [name for name in _FORMATS if name in Image.OPEN]


@lru_cache(maxsize=1)
def _register_heif() -> bool:
    try:
        import pillow_heif

        pillow_heif.register_heif_opener()
    except Exception:  # without it a HEIC file is simply "not an image we can read"
        return False
    return True


def _explain(error: Exception) -> str:
    text = str(error).lower()
    if isinstance(error, UnidentifiedImageError):
        return ("this is not an image file that can be checked (use JPEG or PNG; also "
                "accepted: WEBP, TIFF, BMP, GIF, AVIF, HEIC)")
    if isinstance(error, EOFError) or any(hint in text for hint in (
            "truncated", "premature end", "end of file", "too short", "broken data stream")):
        return ("the file is incomplete: it was cut off, perhaps by an interrupted copy or "
                "download; copy the original again")
    return ("the image is damaged or saved in a way that cannot be read; open it in a photo "
            "app and save it again as JPEG or PNG")


# --- judging --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    format: str
    mode: str
    size: tuple[int, int]  # upright (after the EXIF orientation)
    icc: bytes | None
    frames: int


def _judge(image: Image.Image, data: bytes, preset: Preset, file: str,
           native_size: tuple[int, int] | None) -> CheckReport:
    facts, orientation = _facts(image)
    rgb = as_rgb(image)
    if orientation in _TRANSPOSE:  # judged as shown: the product box in upright pixels
        rgb = rgb.transpose(_TRANSPOSE[orientation])
    checks = (
        Check("readable", "pass",
              f"opens as a {facts.size[0]} x {facts.size[1]} {facts.format} image", None),
        *_background_and_fill(rgb, preset),
        _size(facts.size, preset, native_size),
        _format(facts, len(data), file, preset),
        _colour(facts, rgb, preset),
    )
    return CheckReport(file, preset.id, worst_verdict(check.verdict for check in checks), checks)


def _facts(image: Image.Image) -> tuple[_Facts, int]:
    """What the file says about itself, and its EXIF orientation (1 when absent or broken)."""
    fmt = "JPEG" if image.format == "MPO" else (image.format or "unknown")
    width, height = image.size
    try:
        orientation = image.getexif().get(_ORIENTATION_TAG, 1)
    except Exception:  # broken EXIF says nothing about the pixels
        orientation = 1
    if not isinstance(orientation, int):
        orientation = 1
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    icc = image.info.get("icc_profile")
    frames = getattr(image, "n_frames", 1)
    return _Facts(fmt, image.mode, (width, height), icc if isinstance(icc, bytes) and icc
                  else None, frames if isinstance(frames, int) else 1), orientation


def _background_and_fill(rgb: Image.Image, preset: Preset) -> tuple[Check, Check]:
    strips = border_strips(rgb)
    backdrop = estimate_backdrop(rgb, strips)
    background = _background(strips, backdrop, preset)
    fill = _fill(rgb, product_box(rgb, backdrop), preset, busy=backdrop.busy)
    return background, fill


def _background(strips: list[Image.Image], backdrop: Backdrop, preset: Preset) -> Check:
    total = white = 0
    for strip in strips:
        total += strip.width * strip.height
        # With each channel mapped to 255 (it was 255) or 0 (anything else), a pixel's grey is
        # 255 only when R, G and B all were; alpha (when there is one) must be 255 as well.
        flags = strip.point(_WHITE_ONLY * len(strip.getbands()))
        grey = flags.convert("L").point(_WHITE_ONLY)
        if strip.mode == "RGBA":
            grey = ImageChops.darker(grey, flags.getchannel("A"))
        white += grey.histogram()[255]
    share = white / total if total else 0.0
    worst = 255 - backdrop.lowest_level
    colour = backdrop.colour
    value = {"pure_white_share": round(share, 4), "worst_deviation": worst,
             "border_colour": list(colour),
             "transparent_share": round(backdrop.transparent_share, 4)}
    mostly = ",".join(str(level) for level in colour)
    name = preset.name
    if preset.background is not Background.PURE_WHITE:
        return Check("background", "pass",
                     f"{name} sets no background rule (the border is mostly {mostly}, "
                     f"{_percent(share)} pure white)", value)
    if share >= PURE_WHITE_MIN_SHARE:
        said = ("the background is pure white 255,255,255 all round" if share == 1 else
                f"the background is pure white: {_percent(share)} of the border is 255,255,255")
        return Check("background", "pass", said, value)
    if backdrop.transparent:
        message = (f"the background is transparent at the border "
                   f"({_percent(backdrop.transparent_share)} see-through); {name} needs a solid "
                   f"pure white 255,255,255 background")
    elif colour == (255, 255, 255):
        message = (f"something reaches the edge of the frame (the product, a shadow or a mark): "
                   f"only {_percent(share)} of the border is pure white, the worst pixel is "
                   f"{worst} levels off; {name} needs pure white 255,255,255 all round")
    elif min(colour) >= OFF_WHITE_LEVEL:
        message = (f"the background is off-white: {_percent(share)} pure white at the border "
                   f"(it is mostly {mostly}); {name} needs 255,255,255")
    else:
        message = (f"the background is not white: {_percent(share)} pure white at the border "
                   f"(it is mostly {mostly}); {name} needs a pure white 255,255,255 background")
    return Check("background", "fail", message, value)


def _fill(rgb: Image.Image, box: tuple[int, int, int, int] | None, preset: Preset, *,
          busy: bool = False) -> Check:
    width, height = rgb.size
    name = preset.name
    wanted = preset.fill_min is not None or preset.fill_max is not None
    if box is None:
        value: dict[str, object] = {"fill": 0.0, "width_share": 0.0, "height_share": 0.0,
                                    "box": None, "busy_background": busy}
        message = "no product found: the picture looks like plain background"
        if preset.fill_min is not None:
            return Check("fill", "fail", f"{message}; {name} wants the product to fill at "
                         f"least {_percent(preset.fill_min)} of the frame", value)
        return Check("fill", "pass", message, value)
    box_width, box_height = box[2] - box[0], box[3] - box[1]
    fill = max(box_width, box_height) / max(width, height)
    value = {"fill": round(fill, 4), "width_share": round(box_width / width, 4),
             "height_share": round(box_height / height, 4), "box": list(box),
             "busy_background": busy}
    said = (f"the product fills {_percent(fill)} of the frame ({box_width} x {box_height} of "
            f"{width} x {height} px)")
    if busy:
        said = (f"the background is too busy to tell where the product ends (what stands out "
                f"spans {_percent(fill)} of the frame)")
        if not wanted:
            return Check("fill", "pass", said, value)
        rule = " to ".join(_percent(limit) for limit in (preset.fill_min, preset.fill_max)
                           if limit is not None)
        return Check("fill", "warn", f"{said}, so {name}'s {rule} fill rule could not be "
                     f"judged", value)
    if preset.fill_min is not None and fill < preset.fill_min:
        verdict: Verdict = "fail" if fill < preset.fill_min - FILL_SLACK else "warn"
        just = "just under" if verdict == "warn" else "at least"
        return Check("fill", verdict, f"{said}; {name} wants {just} "
                     f"{_percent(preset.fill_min)}", value)
    if preset.fill_max is not None and fill > preset.fill_max:
        return Check("fill", "warn", f"{said}; {name} wants at most "
                     f"{_percent(preset.fill_max)}: leave a little space around it", value)
    if not wanted:
        return Check("fill", "pass", f"{said}; {name} sets no rule for this", value)
    return Check("fill", "pass", said, value)


def _size(size: tuple[int, int], preset: Preset, native_size: tuple[int, int] | None) -> Check:
    width, height = size
    longest = max(width, height)
    judged = longest
    note = ""
    if native_size is not None and max(native_size) < longest:
        judged = max(native_size)
        note = f", upscaled from {judged} px"
    value = {"width": width, "height": height, "longest": longest,
             "native_longest": judged if note else None}
    name = preset.name
    problems: list[tuple[Verdict, str]] = []
    real = ", and upscaling adds no detail" if note else ""
    if preset.min_edge is not None and judged < preset.min_edge:
        problems.append(("fail", f"{name} needs at least {preset.min_edge} px on the longest "
                         f"side{real}"))
    elif (preset.min_short_edge is not None
          and min(native_size or size) < preset.min_short_edge):
        problems.append(("fail", f"{name} needs at least {preset.min_short_edge} x "
                         f"{preset.min_short_edge} px{real}"))
    elif preset.zoom_edge is not None and judged < preset.zoom_edge:
        problems.append(("warn", f"{name} needs {preset.zoom_edge} px or more for zoom{real}"))
    if preset.max_edge is not None and longest > preset.max_edge:
        problems.append(("fail", f"{name} accepts at most {preset.max_edge} px"))
    if preset.max_pixels is not None and width * height > preset.max_pixels:
        problems.append(("fail", f"it has {width * height / 1e6:.1f} megapixels and {name} "
                         f"accepts at most {preset.max_pixels / 1e6:g}"))
    if preset.square and abs(width - height) > SQUARE_TOLERANCE * longest:
        problems.append(("warn", f"{name} wants square 1:1 images"))
    said = f"{width} x {height} px{note}"
    if not problems:
        enough = f"enough for {name}" + (f" ({preset.zoom_edge} px or more for zoom)"
                                         if preset.zoom_edge else "")
        if note:
            enough = f"judged by its {judged} px of real detail, {enough}"
        return Check("size", "pass", f"{said}: {enough}", value)
    verdict = worst_verdict(verdict for verdict, _ in problems)
    return Check("size", verdict, f"the image is {said}; "
                 + "; ".join(text for _, text in problems), value)


def _format(facts: _Facts, size: int, file: str, preset: Preset) -> Check:
    name = preset.name
    extension = Path(file).suffix.lower() if file else ""
    value = {"format": facts.format, "extension": extension or None, "bytes": size,
             "frames": facts.frames}
    problems: list[tuple[Verdict, str]] = []
    if facts.format not in preset.formats:
        problems.append(("fail", f"the file is a {facts.format} image; {name} accepts "
                         f"{_either(preset.formats)}"))
    if facts.frames > 1:
        problems.append(("fail", f"the image is animated ({facts.frames} frames); {name} needs "
                         f"a still image"))
    named = _EXTENSION_FORMATS.get(extension)
    right = _FORMAT_EXTENSIONS.get(facts.format, "")
    if file and named != facts.format:
        if not extension:
            problems.append(("warn", f"the file name has no extension; name it "
                             f"{Path(file).name}{right} so shops see what it is"))
        elif named is None:
            problems.append(("warn", f"the file name ends in {extension}, which is not an image "
                             f"type; name it {Path(file).stem}{right}"))
        else:
            problems.append(("fail", f"the file is named {extension} but is really a "
                             f"{facts.format}; shops refuse a name that does not match the "
                             f"content: rename it to {Path(file).stem}{right}"))
    if preset.max_bytes is not None and size > preset.max_bytes:
        problems.append(("fail", f"the file is {_megabytes(size)}; {name} accepts at most "
                         f"{_megabytes(preset.max_bytes)}"))
    if not problems:
        return Check("format", "pass", f"a {facts.format} file of {_megabytes(size)}", value)
    verdict = worst_verdict(verdict for verdict, _ in problems)
    return Check("format", verdict, "; ".join(text for _, text in problems), value)


def _colour(facts: _Facts, rgb: Image.Image, preset: Preset) -> Check:
    name = preset.name
    profile = _profile(facts.icc) if facts.icc else None
    alpha = "none"
    if rgb.mode == "RGBA":
        lowest = rgb.getchannel("A").getextrema()[0]
        alpha = "transparent" if isinstance(lowest, int) and lowest < 255 else "opaque"
    value = {"mode": facts.mode, "profile": profile[0] if profile else None,
             "srgb": facts.mode != "CMYK" and (profile is None or profile[1]), "alpha": alpha}
    strict: Verdict = "fail" if preset.srgb_only else "warn"
    problems: list[tuple[Verdict, str]] = []
    if facts.mode == "CMYK":
        problems.append((strict, f"the image is in CMYK (printing colours); {name} needs RGB "
                         f"colours in sRGB: save it again as an RGB JPEG"))
    elif profile is not None and not profile[1]:
        label = f"the {profile[0]!r} colour profile" if profile[0] else "an unreadable profile"
        problems.append((strict, f"the colours are in {label}, not sRGB, so they may look wrong "
                         f"on the listing; {name} needs sRGB: save or export it as sRGB"))
    if alpha == "transparent" and not preset.alpha_allowed:
        problems.append(("fail", f"the image has transparent parts, which shops show as black "
                         f"or white; {name} needs a solid image without transparency"))
    if not problems:
        said = "sRGB colours" if facts.mode != "L" else "greyscale"
        if alpha == "transparent":
            said += f", with transparency ({name} allows it)"
        elif alpha == "opaque":
            said += ", with an unused transparency channel (every pixel is solid)"
        return Check("colour", "pass", said, value)
    verdict = worst_verdict(verdict for verdict, _ in problems)
    return Check("colour", verdict, "; ".join(text for _, text in problems), value)


@lru_cache(maxsize=32)
def _profile(icc: bytes) -> tuple[str, bool]:
    """(the embedded profile's description, whether it is sRGB or as good as sRGB). A grey
    profile counts as sRGB: grey looks the same on every screen."""
    from PIL import ImageCms

    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        description = ImageCms.getProfileDescription(profile).strip()
        space = profile.profile.xcolor_space.strip()
    except Exception:
        return "", False
    lowered = description.lower()
    if space == "GRAY":
        return description, True
    if space != "RGB":
        return description, False
    if "srgb" in lowered and "scrgb" not in lowered and "linear" not in lowered:
        return description, True
    try:
        primaries = (profile.profile.red_primary, profile.profile.green_primary,
                     profile.profile.blue_primary)
        same = all(found is not None and abs(found[1][0] - x) < 0.002
                   and abs(found[1][1] - y) < 0.002
                   for found, (x, y) in zip(primaries, _SRGB_PRIMARIES, strict=True))
    except Exception:
        same = False
    return description, same


# --- words ----------------------------------------------------------------------------------


def _percent(share: float) -> str:
    """0.88 -> "88%", 0.8749 -> "87.5%", 0.9996 -> "over 99.9%" (never a rounded 100% or 0%
    for something that is not quite)."""
    percent = share * 100
    if share > 0 and percent < 0.05:
        return "under 0.1%"
    if share < 1 and percent >= 99.95:
        return "over 99.9%"
    if abs(percent - round(percent)) < 0.05:
        return f"{round(percent)}%"
    return f"{percent:.1f}%"


def _megabytes(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes < 0.1:
        return f"{max(1, round(size / 1024))} KB"
    return f"{megabytes:.1f} MB" if megabytes < 10 and megabytes != int(megabytes) else \
        f"{megabytes:.0f} MB"


def _either(formats: tuple[str, ...]) -> str:
    if len(formats) == 1:
        return f"{formats[0]} only"
    return ", ".join(formats[:-1]) + f" or {formats[-1]}"
