"""Save as: the picture written again in the format its new name says (PNG, JPEG or WebP),
really re-encoded rather than copied under another extension, for marketplaces that check.

No Qt here (it runs on a pool thread): Pillow decodes, converts to sRGB when the picture carries
another colour profile, flattens transparency onto white for JPEG, and writes the file under a
temporary name first, so that a failure never leaves half a picture under the chosen name.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

from PIL import Image, ImageCms

from app.checks.provenance import labelled

log = logging.getLogger(__name__)

FORMATS: dict[str, str] = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".jpe": "JPEG",
                           ".webp": "WEBP"}
JPEG_QUALITY = 92  # what marketplaces' own tools use: no visible loss, half the size of 100
WEBP_QUALITY = 92
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


def format_for(path: str | Path) -> str | None:
    """Pillow's format for the file name's extension; None when Save as does not write it."""
    return FORMATS.get(Path(path).suffix.lower())


def _srgb_bytes() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def to_srgb(image: Image.Image) -> tuple[Image.Image, bool]:
    """The picture in plain RGB(A) or L(A) modes and in sRGB; True when it carried a profile
    (then the file written says sRGB, so viewers do not guess)."""
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    elif image.mode not in ("RGB", "RGBA", "L", "LA", "CMYK"):
        image = image.convert("RGBA" if image.mode in _ALPHA_MODES else "RGB")
    icc = image.info.get("icc_profile")
    if not icc:
        return (image.convert("RGB") if image.mode == "CMYK" else image), False
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
        if image.mode == "LA":
            image = image.convert("RGBA")
        mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(image, source, srgb, outputMode=mode)
        assert converted is not None  # not in place: a new image
        return converted, True
    except (ImageCms.PyCMSError, OSError, ValueError) as error:
        # A broken profile: the colours as they are beat no file at all.
        log.warning("Could not convert the colour profile: %s", error)
        return image.convert("RGBA" if image.mode in _ALPHA_MODES else "RGB"), False


def flatten_on_white(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: what was see-through becomes white, as on a marketplace."""
    if image.mode not in _ALPHA_MODES:
        return image.convert("RGB")
    rgba = image.convert("RGBA")
    white = Image.new("RGB", rgba.size, (255, 255, 255))
    white.paste(rgba, mask=rgba.getchannel("A"))
    return white


def export_image(source: str | Path, target: str | Path,
                 source_type: str | None = None) -> Path:
    """Write ``source`` to ``target`` in the format ``target``'s extension names; with
    ``source_type``, carrying the IPTC label of how the picture was made (it survives the
    re-encode: the same function writes every labelled file)."""
    target = Path(target)
    kind = format_for(target)
    if kind is None:
        raise ValueError(f"Save as writes PNG, JPEG or WebP, not {target.suffix or 'no type'}")
    with Image.open(source) as opened:
        opened.load()
        picture, had_profile = to_srgb(opened)
    options: dict[str, object] = {}
    if kind == "JPEG":
        picture = flatten_on_white(picture)
        options = {"quality": JPEG_QUALITY, "optimize": True}
    elif kind == "WEBP":
        picture = picture.convert("RGBA" if picture.mode in _ALPHA_MODES else "RGB")
        options = {"quality": WEBP_QUALITY, "method": 4}
    if had_profile:
        options["icc_profile"] = _srgb_bytes()
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    try:
        if source_type is not None:
            quality = int(str(options.get("quality", JPEG_QUALITY)))
            partial.write_bytes(labelled(picture, source_type, format=kind, quality=quality))
        else:
            picture.save(partial, kind, **options)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target
