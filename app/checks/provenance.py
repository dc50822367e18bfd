"""The AI label: the IPTC DigitalSourceType written into every image file the app hands over.

Marketplaces (Google Merchant Center) and the EU AI Act (Article 50) ask for a machine-readable
mark on AI-made pictures; Gemini's SynthID watermark is not metadata, so the app writes the IPTC
term itself, as XMP ``Iptc4xmpExt:DigitalSourceType``. Every path that writes a result for the
user (export, Save as...) goes through ``labelled``, so the label survives each re-encode.

``labelled`` never carries other metadata: an image is encoded from its pixels alone (plus the
sRGB profile), and stored bytes keep their pixels and colour profile but lose every EXIF, XMP,
Photoshop/IPTC and comment block, so no GPS position, serial number or owner name rides along.
"""

from __future__ import annotations

import io
import struct
import zlib
from collections.abc import Iterator
from functools import cache
from xml.etree import ElementTree

from PIL import Image, ImageCms, PngImagePlugin

from app.core.config import Mode
from app.core.job import Job
from app.services.styles import UnknownStyleError, get_style

VOCABULARY = "http://cv.iptc.org/newscodes/digitalsourcetype/"
# Made by a generative model from a prompt and the photo: every current live style asks Gemini
# for a whole new picture (it redraws the product too), so this is what a live result is.
TRAINED_ALGORITHMIC_MEDIA = VOCABULARY + "trainedAlgorithmicMedia"
# A real capture edited with generative AI: for a style that keeps the product's own pixels
# (``Style.keeps_product_pixels``) and lets the model make only the surroundings.
COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA = VOCABULARY + "compositeWithTrainedAlgorithmicMedia"
# The demo's "result": the real photo (a capture) pasted on a backdrop, shadow and DEMO badge
# that the app draws itself with plain code. IPTC's compositeSynthetic is "a mix or composite
# of several elements, at least one of which is synthetic" - exactly that. Not
# compositeCapture (the backdrop was never photographed), not compositeWithTrained... (no
# trained model touched it), and not the bare "composite" (which says nothing about the
# synthetic part).
COMPOSITE_SYNTHETIC = VOCABULARY + "compositeSynthetic"
AI_SOURCE_TYPES = frozenset({TRAINED_ALGORITHMIC_MEDIA, COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA})

IPTC_EXT_NS = "http://iptc.org/std/Iptc4xmpExt/2008-02-29/"
_RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_XMP_JPEG_HEADER = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_PNG_KEY = "XML:com.adobe.xmp"
LABEL_FORMATS = ("JPEG", "PNG", "WEBP")  # the formats that carry XMP here
DEFAULT_QUALITY = 92


class UnlabelledFormatError(ValueError):
    """The format cannot carry the label (BMP, GIF...): the app does not write it unlabelled."""


def source_type_for(job: Job) -> str:
    """The IPTC term for ``job``'s result: how it was made, never a guess that flatters it.

    A local cut-out is an edit of the real photo (a trained model chose the pixels to keep) in
    demo and live mode alike; any other demo result is the app's own composite."""
    try:
        style = get_style(job.style)
    except UnknownStyleError:  # a style since removed: claim the broader AI term
        return COMPOSITE_SYNTHETIC if job.mode == Mode.MOCK.value else TRAINED_ALGORITHMIC_MEDIA
    if style.is_local:
        return COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA
    if job.mode == Mode.MOCK.value:
        return COMPOSITE_SYNTHETIC
    return (COMPOSITE_WITH_TRAINED_ALGORITHMIC_MEDIA if style.keeps_product_pixels
            else TRAINED_ALGORITHMIC_MEDIA)


def xmp_packet(source_type: str) -> bytes:
    """A complete, well-formed XMP packet that says ``source_type`` and nothing else."""
    if not source_type.startswith(VOCABULARY) or any(c in source_type for c in "<>&\"'"):
        raise ValueError(f"not an IPTC digital source type: {source_type!r}")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        f' <rdf:RDF xmlns:rdf="{_RDF_NS}">\n'
        f'  <rdf:Description rdf:about="" xmlns:Iptc4xmpExt="{IPTC_EXT_NS}">\n'
        f"   <Iptc4xmpExt:DigitalSourceType>{source_type}</Iptc4xmpExt:DigitalSourceType>\n"
        "  </rdf:Description>\n"
        " </rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="w"?>'
    ).encode()


@cache
def srgb_profile() -> bytes:
    """The ICC profile written with every encoded image: says plainly the pixels are sRGB."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def labelled(source: Image.Image | bytes, source_type: str, *, format: str | None = None,
             quality: int = DEFAULT_QUALITY) -> bytes:
    """An image file carrying ``source_type`` and no other metadata.

    ``source`` an image (RGB, or RGBA for PNG/WEBP; its pixels taken as sRGB): encoded in
    ``format`` (default JPEG, PNG when it has alpha). ``source`` bytes of a JPEG or PNG: the
    same pixels, not re-encoded, with the label in place of any metadata the file had (its
    colour profile kept). Other bytes are decoded and encoded again in ``format``.
    """
    packet = xmp_packet(source_type)
    if isinstance(source, bytes):
        kind = _sniff(source)
        if kind == "JPEG" and format in (None, "JPEG"):
            return _relabel_jpeg(source, packet)
        if kind == "PNG" and format in (None, "PNG"):
            return _relabel_png(source, packet)
        from app.images.intake import decode_image  # upright sRGB pixels, metadata dropped

        image, _ = decode_image(source, box=(1 << 20, 1 << 20), name="result")
        lossless = kind == "WEBP" and b"VP8L" in source[12:40]
        return _encode(image, format or (kind if kind in LABEL_FORMATS else "PNG"), packet,
                       quality, lossless=lossless)
    return _encode(source, format or ("PNG" if source.mode == "RGBA" else "JPEG"), packet,
                   quality)


def _encode(image: Image.Image, format: str, packet: bytes, quality: int, *,
            lossless: bool = False) -> bytes:
    if format not in LABEL_FORMATS:
        raise UnlabelledFormatError(f"{format} files cannot carry the AI label")
    if format == "JPEG" and image.mode != "RGB":
        image = image.convert("RGB")
    image = image.copy() if image.info else image
    image.info = {}  # nothing but what is passed below
    out = io.BytesIO()
    icc = srgb_profile()
    if format == "JPEG":
        # 4:4:4: no colour subsampling, so printed text and thin logo lines stay crisp.
        image.save(out, "JPEG", quality=quality, subsampling=0, icc_profile=icc, xmp=packet)
    elif format == "PNG":
        info = PngImagePlugin.PngInfo()
        info.add_itxt(_XMP_PNG_KEY, packet.decode("utf-8"), zip=False)
        # Level 3: half the time of the default 6 for a few percent more bytes.
        image.save(out, "PNG", pnginfo=info, icc_profile=icc, compress_level=3)
    else:
        image.save(out, "WEBP", quality=quality, lossless=lossless, icc_profile=icc,
                   xmp=packet)
    return out.getvalue()


def _sniff(data: bytes) -> str:
    if data[:3] == b"\xff\xd8\xff":
        return "JPEG"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "PNG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return ""


# --- relabelling stored files without touching their pixels --------------------------------

# JPEG segments kept: APP0 (JFIF), APP2 (ICC profile), APP14 (Adobe: how to read the colours)
# and everything that is not an APPn/COM block. Dropped: APP1 (EXIF, XMP), APP13 (Photoshop,
# IPTC-IIM), COM, and the other APPn (maker notes and vendor blocks).
_KEEP_APP = {0xE0, 0xE2, 0xEE}


def _relabel_jpeg(data: bytes, packet: bytes) -> bytes:
    out = [b"\xff\xd8"]
    inserted = False
    label = (b"\xff\xe1" + struct.pack(">H", 2 + len(_XMP_JPEG_HEADER) + len(packet))
             + _XMP_JPEG_HEADER + packet)
    for marker, segment in _jpeg_segments(data):
        if not inserted and marker != 0xE0:  # after JFIF, which must come first
            out.append(label)
            inserted = True
        if marker == 0xDA:  # the compressed picture up to its end; nothing after it is kept
            out.append(segment)
            break
        if (0xE0 <= marker <= 0xEF and marker not in _KEEP_APP) or marker == 0xFE:
            continue
        out.append(segment)
    return b"".join(out)


def _jpeg_segments(data: bytes) -> Iterator[tuple[int, bytes]]:
    """(marker, bytes) of each segment after SOI; the last is SOS with the rest up to EOI."""
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise ValueError("not a JPEG segment")
        while pos < len(data) and data[pos] == 0xFF:  # fill bytes
            pos += 1
        marker = data[pos]
        pos += 1
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # no length
            yield marker, bytes((0xFF, marker))
            continue
        (length,) = struct.unpack(">H", data[pos:pos + 2])
        start, end = pos - 2, pos + length
        if marker == 0xDA:
            eoi = data.find(b"\xff\xd9", end)  # no FF D9 can occur inside the scans
            yield marker, data[start:eoi + 2 if eoi >= 0 else len(data)]
            return
        yield marker, data[start:end]
        pos = end
    raise ValueError("JPEG without a picture")


# PNG chunks dropped: text of any kind (may hold XMP, EXIF or a comment) and eXIf.
_DROP_PNG = {b"tEXt", b"zTXt", b"iTXt", b"eXIf"}


def _relabel_png(data: bytes, packet: bytes) -> bytes:
    text = (_XMP_PNG_KEY.encode("latin-1") + b"\x00\x00\x00" + b"\x00" + b"\x00" + packet)
    out = [data[:8]]
    pos = 8
    while pos + 8 <= len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        chunk = data[pos:pos + 12 + length]
        pos += 12 + length
        if kind not in _DROP_PNG:
            out.append(chunk)
        if kind == b"IHDR":
            out.append(struct.pack(">I", len(text)) + b"iTXt" + text
                       + struct.pack(">I", zlib.crc32(b"iTXt" + text)))
        if kind == b"IEND":
            break
    return b"".join(out)


# --- reading the label back ----------------------------------------------------------------


def read_source_type(data: bytes) -> str | None:
    """The IPTC DigitalSourceType an image file says, or None when it says none."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            xmp = image.info.get("xmp")
            if xmp is None and image.format == "PNG":
                image.load()  # text chunks after the picture are read with it
                xmp = image.info.get("xmp")
    except Exception:  # not an image Pillow reads: then it carries no label we can see
        return None
    if isinstance(xmp, str):
        xmp = xmp.encode("utf-8")
    return _source_type_in(xmp) if isinstance(xmp, bytes) else None


def _source_type_in(packet: bytes) -> str | None:
    try:
        root = ElementTree.fromstring(packet.strip(b"\x00 \t\r\n"))
    except ElementTree.ParseError:
        return None
    name = f"{{{IPTC_EXT_NS}}}DigitalSourceType"
    for description in root.iter(f"{{{_RDF_NS}}}Description"):
        value = description.get(name)  # the short form: an attribute
        if value:
            return value.strip()
        element = description.find(name)
        if element is not None:
            value = element.get(f"{{{_RDF_NS}}}resource") or (element.text or "")
            if value.strip():
                return value.strip()
    return None
