"""Turning a shop owner's photo file into the small, clean copy that is sent, plus its thumbnail.

Every photo is decoded once: JPEGs are decoded straight at a reduced DCT scale (``draft``), and the
thumbnail is made from the already shrunk upload copy. Anything wrong with a file becomes a
``PhotoUnusableError`` with a sentence the shop owner can act on; no other exception escapes.
"""

from __future__ import annotations

import io
import math
import stat
import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pillow_heif
from PIL import Image, ImageCms, UnidentifiedImageError

from app.images.thumbnails import THUMBNAIL_EDGE, encode, fit_size, thumbnail_copy
from app.services.errors import PhotoUnusableError

pillow_heif.register_heif_opener()

IMAGE_EXTENSIONS: frozenset[str] = frozenset({
    ".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".avif", ".tif", ".tiff",
    ".bmp", ".gif",
})
MAX_UPLOAD_EDGE = 2048
# Supplier thumbnails are where many shops start: accepted down to 64 px, with a warning on the
# tile below SMALL_LONG_EDGE (the result may lack detail).
MIN_LONG_EDGE = 64
MIN_SHORT_EDGE = 64
SMALL_LONG_EDGE = 512
MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_PIXELS = 120_000_000  # above 108 MP phone sensors; a bigger header is a bomb, not a photo
# Upload copies may come out a little under MAX_UPLOAD_EDGE: a cheap integer reduction (or JPEG
# DCT scale) that keeps at least this long edge beats an exact but slow resample.
KEEP_UPLOAD_EDGE = 1600
UPLOAD_QUALITY = 90

# Pillow warns above this and refuses above twice this; we refuse above it ourselves.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

# Only the formats we promise (JPEG covers MPO): exotic decoders (EPS runs Ghostscript) stay
# out of reach of a file that merely claims to be a photo.
_FORMATS = ("JPEG", "PNG", "WEBP", "HEIF", "AVIF", "TIFF", "BMP", "GIF")
_ORIENTATION_TAG = 0x0112
_TRANSPOSE = {
    2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE, 8: Image.Transpose.ROTATE_90,
}
_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))

_NOT_AN_IMAGE = ("This file is not a photo ProductSnap can read. "
                 "Use a JPEG, PNG, WEBP, HEIC, AVIF, TIFF, BMP or GIF file.")
_TRUNCATED = ("This photo file is incomplete (it was cut off, perhaps by an interrupted copy or "
              "download). Copy the original photo again.")
_DAMAGED = ("This photo is damaged or saved in a way ProductSnap cannot read. "
            "Open it in a photo app, save it again as JPEG or PNG, and add it again.")
_NO_MEMORY = ("There was not enough memory to open this photo. "
              "Close other programs or use a smaller photo.")


@dataclass(frozen=True)
class PreparedPhoto:
    data: bytes
    mime: str
    extension: str
    size: tuple[int, int]
    original_size: tuple[int, int]
    has_alpha: bool
    thumbnail: bytes
    thumbnail_mime: str


# --- reading the file ----------------------------------------------------------------------


def read_photo(path: Path) -> bytes:
    """The whole file, read once; a plain PhotoUnusableError when that is not possible."""
    try:
        info = path.stat()
        if stat.S_ISDIR(info.st_mode):
            raise PhotoUnusableError("This is a folder, not a photo. Add the photos inside it.",
                                     f"{path} is a directory")
        if not stat.S_ISREG(info.st_mode):
            raise PhotoUnusableError("This is not a photo file. Choose the photo itself.",
                                     f"{path} is not a regular file (mode {info.st_mode:o})")
        if info.st_size > MAX_FILE_BYTES:
            raise _too_large_file(info.st_size, str(path))
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)  # the file may have grown since stat
    except PhotoUnusableError:
        raise
    except FileNotFoundError as exc:
        if "\ufffd" in str(path):  # app.core.photos.as_text: a name that is not UTF-8
            raise PhotoUnusableError(
                "This file's name (or its folder's) is not valid text: it was made with another "
                "character set, so ProductSnap cannot keep track of it. Rename it (for example "
                "in the file manager) and add it again.",
                f"{path}: the name is not UTF-8 (undecodable bytes shown as U+FFFD)") from exc
        raise PhotoUnusableError(
            "This photo is no longer there (moved, renamed or deleted). Add it again from where "
            "it is now.", f"{path}: {exc}") from exc
    except IsADirectoryError as exc:
        raise PhotoUnusableError("This is a folder, not a photo. Add the photos inside it.",
                                 f"{path}: {exc}") from exc
    except PermissionError as exc:
        raise PhotoUnusableError(
            "ProductSnap is not allowed to read this file. Check its permissions, or copy the "
            "photo to another folder and add the copy.", f"{path}: {exc}") from exc
    except OSError as exc:
        raise PhotoUnusableError(
            "This file could not be read from the disk. Copy the photo to another folder and "
            "add the copy.", f"{path}: {exc}") from exc
    except MemoryError as exc:
        raise PhotoUnusableError(_NO_MEMORY, f"{path}: MemoryError") from exc
    if len(data) > MAX_FILE_BYTES:
        raise _too_large_file(len(data), str(path))
    if not data:
        raise _empty_file(str(path))
    return data


def _too_large_file(size: int, where: str) -> PhotoUnusableError:
    return PhotoUnusableError(
        f"This file is too large ({size / 1e6:.0f} MB). Use a photo smaller than "
        f"{MAX_FILE_BYTES / 1e6:.0f} MB.", f"{where}: {size} bytes > {MAX_FILE_BYTES}")


def _empty_file(where: str) -> PhotoUnusableError:
    return PhotoUnusableError("This file is empty (0 bytes). Choose the original photo again.",
                              f"{where}: 0 bytes")


# --- the public steps ----------------------------------------------------------------------


def prepare_photo(raw: bytes, name: str = "") -> PreparedPhoto:
    """The upload copy (JPEG, or PNG with real transparency) and its thumbnail, from one decode."""
    image, original_size = decode_image(
        raw, box=(MAX_UPLOAD_EDGE, MAX_UPLOAD_EDGE), keep_edge=KEEP_UPLOAD_EDGE, name=name,
        check_usable=True)
    has_alpha = image.mode == "RGBA"
    with _plain_errors(name or "photo", raw):
        data, mime = encode(image, UPLOAD_QUALITY)
        thumbnail, thumbnail_mime = thumbnail_copy(image)
    return PreparedPhoto(
        data=data, mime=mime, extension=".png" if has_alpha else ".jpg", size=image.size,
        original_size=original_size, has_alpha=has_alpha, thumbnail=thumbnail,
        thumbnail_mime=thumbnail_mime)


def make_thumbnail(raw: bytes) -> tuple[bytes, str]:
    """A 512 px long-edge thumbnail of a result (PNG/JPEG/WEBP bytes): (bytes, mime)."""
    image, _ = decode_image(raw, box=(THUMBNAIL_EDGE, THUMBNAIL_EDGE), keep_edge=THUMBNAIL_EDGE,
                            name="result")
    with _plain_errors("result", raw):
        thumbnail = thumbnail_copy(image)
    return thumbnail


def decode_image(raw: bytes, *, box: tuple[int, int], keep_edge: int | None = None,
                 name: str = "", check_usable: bool = False,
                 resample: Image.Resampling = Image.Resampling.LANCZOS,
                 ) -> tuple[Image.Image, tuple[int, int]]:
    """Decode once into an upright sRGB image (mode RGB, or RGBA when it has real transparency)
    that fits in ``box`` (never enlarged), and the upright size before shrinking.

    ``keep_edge`` lets the result stay smaller than the box, down to that long edge, when a cheap
    integer reduction gets there; otherwise the result fits the box exactly. ``resample`` is the
    filter for the last, non-integer step.
    """
    where = name or "photo"
    if not raw:
        raise _empty_file(where)
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large_file(len(raw), where)
    with _plain_errors(where, raw):
        image, original_size = _decode(raw, box, keep_edge, check_usable, resample)
    return image, original_size


@contextmanager
def _plain_errors(where: str, raw: bytes) -> Iterator[None]:
    """Any failure inside becomes a PhotoUnusableError: decoders fail in every way there is."""
    try:
        yield
    except PhotoUnusableError:
        raise
    except Exception as exc:
        raise _explain(exc, where, raw) from exc


# --- decoding ------------------------------------------------------------------------------


def _decode(raw: bytes, box: tuple[int, int], keep_edge: int | None, check_usable: bool,
            resample: Image.Resampling) -> tuple[Image.Image, tuple[int, int]]:
    image: Image.Image = Image.open(io.BytesIO(raw), formats=_FORMATS)
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise PhotoUnusableError(
            f"This image is too large to process ({width} × {height} pixels). Use a photo under "
            f"{MAX_PIXELS // 1_000_000} megapixels.", f"{width}x{height} > {MAX_PIXELS} pixels")
    if check_usable:
        _check_big_enough(width, height)
    icc = image.info.get("icc_profile")
    if image.format in ("JPEG", "MPO"):
        # JPEG orientation is in the header, so the scaled decode can target the upright box.
        orientation = _orientation(image)
        _draft(image, _turned(box, orientation), keep_edge)
        image.load()  # raises on a truncated file: LOAD_TRUNCATED_IMAGES stays off
    else:
        image.load()
        orientation = _orientation(image)
    image = _canonical_mode(image)
    original_size = _turned((width, height), orientation)
    image = _shrink(image, _turned(box, orientation), keep_edge, resample)
    image = _to_srgb(image, icc)
    if orientation in _TRANSPOSE:  # rotated last, when it is cheapest
        image = image.transpose(_TRANSPOSE[orientation])
    image.info = {}  # nothing from the original file (comments, EXIF, XMP) rides along
    return image, original_size


def _check_big_enough(width: int, height: int) -> None:
    if max(width, height) < MIN_LONG_EDGE or min(width, height) < MIN_SHORT_EDGE:
        raise PhotoUnusableError(
            f"This photo is too small ({width} × {height} pixels). Use one at least "
            f"{MIN_LONG_EDGE} pixels on its long side and {MIN_SHORT_EDGE} on its short side.",
            f"{width}x{height} below {MIN_LONG_EDGE}/{MIN_SHORT_EDGE}")


def _turned(size: tuple[int, int], orientation: int) -> tuple[int, int]:
    """Width and height swapped when the orientation turns the picture a quarter (5 to 8): maps
    sizes and boxes between the upright picture and the pixels as stored, both ways."""
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def _draft(image: Image.Image, box: tuple[int, int], keep_edge: int | None) -> None:
    """Have libjpeg decode at the smallest DCT scale (1/2, 1/4, 1/8) that still covers the box,
    or keep_edge when that is smaller: a 4000x3000 photo then decodes straight to 2000x1500."""
    wanted = fit_size(image.size, box)
    if keep_edge and keep_edge < max(wanted):
        ratio = keep_edge / max(wanted)
        wanted = (max(1, math.floor(wanted[0] * ratio)), max(1, math.floor(wanted[1] * ratio)))
    image.draft("RGB", wanted)


def _orientation(image: Image.Image) -> int:
    """EXIF orientation (1 when absent); broken EXIF is no reason to refuse the photo."""
    try:
        value = image.getexif().get(_ORIENTATION_TAG, 1)
        return value if isinstance(value, int) else 1
    except Exception:
        return 1


def _canonical_mode(image: Image.Image) -> Image.Image:
    """One of L, LA, RGB, RGBA, CMYK: the modes resizing and colour conversion handle well."""
    mode = image.mode
    if mode in ("L", "RGB") and "transparency" in image.info:
        return image.convert(mode + "A" if mode == "L" else "RGBA")  # a PNG colour key (tRNS)
    if mode in ("L", "LA", "RGB", "RGBA", "CMYK"):
        return image
    if mode == "P":
        return image.convert("RGBA" if "transparency" in image.info else "RGB")
    if mode == "PA":
        return image.convert("RGBA")
    if mode == "1":
        return image.convert("L")
    if mode.startswith("I") or mode == "F":
        return _deep_grey_to_l(image)
    if mode in ("La", "RGBa"):
        return image.convert(mode.upper())
    return image.convert("RGB")  # RGBX, YCbCr, LAB, HSV...; refused as damaged if impossible


def _deep_grey_to_l(image: Image.Image) -> Image.Image:
    """16-bit, 32-bit and float greyscale to 8 bits by scaling: Pillow's convert() clips."""
    if image.mode.startswith("I;16"):
        scale = 1 / 256
    else:
        top = float(image.getextrema()[1])  # type: ignore[arg-type]
        scale = 255.0 if 0 < top <= 1.0 and image.mode == "F" else 255.0 / max(top, 255.0)
    return image.point(lambda value: value * scale).convert("L")


def _shrink(image: Image.Image, box: tuple[int, int], keep_edge: int | None,
            resample: Image.Resampling) -> Image.Image:
    target = fit_size(image.size, box)
    if target == image.size:
        return image
    if keep_edge:
        # A box-filter reduction by a whole factor is several times cheaper than resampling;
        # take the largest factor that keeps the long edge at keep_edge or more.
        factor = max(image.size) // keep_edge
        if factor >= 2:
            image = image.reduce(factor)
            target = fit_size(image.size, box)
            if target == image.size:
                return image
    # reducing_gap: an integer box pre-reduction first, the finer filter on the last step only.
    return image.resize(target, resample, reducing_gap=2.0)


# --- colour --------------------------------------------------------------------------------


def _to_srgb(image: Image.Image, icc: bytes | None) -> Image.Image:
    """RGB in sRGB, or RGBA when some pixel is not fully opaque."""
    alpha = None
    if image.mode in ("LA", "RGBA"):
        channel = image.getchannel("A")
        if channel.getextrema()[0] == 255:
            image = image.convert(image.mode[:-1])  # an alpha channel with nothing in it
        elif not _needs_transform(icc):
            return image if image.mode == "RGBA" else image.convert("RGBA")
        else:
            alpha, image = channel, image.convert(image.mode[:-1])
    if _needs_transform(icc):
        image = _apply_profile(image, icc)  # type: ignore[arg-type]
    if image.mode != "RGB":
        image = image.convert("RGB")  # CMYK without a profile: Pillow's plain formula
    if alpha is not None:
        image.putalpha(alpha)
    return image


def _needs_transform(icc: bytes | None) -> bool:
    return bool(icc) and not _is_srgb(icc)


@lru_cache(maxsize=32)
def _is_srgb(icc: bytes) -> bool:
    try:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        name = ImageCms.getProfileDescription(profile).lower()
        return "srgb" in name and "scrgb" not in name and "linear" not in name
    except Exception:
        return True  # an unreadable profile is ignored: the pixels are taken as sRGB


@lru_cache(maxsize=32)
def _transform(icc: bytes, mode: str) -> ImageCms.ImageCmsTransform | None:
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        return ImageCms.buildTransform(source, _SRGB, mode, "RGB")
    except Exception:
        return None  # e.g. an RGB profile on a CMYK photo: fall back to the plain conversion


def _apply_profile(image: Image.Image, icc: bytes) -> Image.Image:
    transform = _transform(icc, image.mode)
    if transform is None:
        return image
    try:
        return ImageCms.applyTransform(image, transform) or image
    except ImageCms.PyCMSError:
        return image


# --- explaining failures -------------------------------------------------------------------


def _explain(exc: BaseException, where: str, raw: bytes) -> PhotoUnusableError:
    detail = f"{where}: {type(exc).__name__}: {exc}"
    text = str(exc).lower()
    if isinstance(exc, (Image.DecompressionBombError, Image.DecompressionBombWarning)):
        message = (f"This image is too large to process. Use a photo under "
                   f"{MAX_PIXELS // 1_000_000} megapixels.")
    elif isinstance(exc, UnidentifiedImageError):
        message = _NOT_AN_IMAGE
    elif isinstance(exc, MemoryError):
        message = _NO_MEMORY
    elif isinstance(exc, EOFError) or _riff_cut_short(raw) or any(
            hint in text for hint in ("truncated", "premature end", "end of file", "too short")):
        message = _TRUNCATED
    else:
        message = _DAMAGED
    return PhotoUnusableError(message, detail)


def _riff_cut_short(raw: bytes) -> bool:
    """A WEBP (RIFF) file shorter than its header says: libwebp only reports a failed decoder."""
    if len(raw) < 12 or raw[:4] != b"RIFF" or raw[8:12] != b"WEBP":
        return False
    declared: int = struct.unpack("<I", raw[4:8])[0]
    return declared + 8 > len(raw)
