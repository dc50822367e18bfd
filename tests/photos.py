"""Test photos made on the spot: every kind of file a shop owner's phone, scanner or editor makes.

Pillow writes most of them; a few (48-bit TIFF and PNG, a PNG header that claims a huge size)
are written byte by byte because Pillow cannot save them.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache
from pathlib import Path

from PIL import ExifTags, Image, ImageCms

import app.images.intake  # noqa: F401  (registers the HEIF opener and saver with Pillow)

RED = (220, 20, 30)
BLUE = (20, 40, 200)
GREEN = (30, 170, 60)
WHITE = (255, 255, 255)


def corner_image(size: tuple[int, int] = (400, 300), corner: tuple[int, int, int] = RED,
                 background: tuple[int, int, int] = WHITE) -> Image.Image:
    """A plain image with a coloured block in its top-left corner, to see where it ends up."""
    image = Image.new("RGB", size, background)
    block = (size[0] // 4, size[1] // 4)
    image.paste(corner, (0, 0, *block))
    return image


def noisy_image(size: tuple[int, int], seed_sigma: int = 40) -> Image.Image:
    """Photo-like content that compresses like a photo (a plain fill would be unrealistically
    small, and a truncated copy of it might still hold every pixel)."""
    grey = Image.effect_noise(size, seed_sigma)
    return Image.merge("RGB", (grey, grey.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                               Image.linear_gradient("L").resize(size)))


def to_bytes(image: Image.Image, fmt: str, **params: object) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **params)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def exif_bytes(orientation: int | None = None, camera: bool = False, gps: bool = False) -> bytes:
    """EXIF with an orientation, a camera make and model, and a GPS position, as asked."""
    exif = Image.Exif()
    if orientation is not None:
        exif[ExifTags.Base.Orientation] = orientation
    if camera:
        exif[ExifTags.Base.Make] = "AcmePhone"
        exif[ExifTags.Base.Model] = "Acme X12 Pro"
    if gps:
        place = exif.get_ifd(ExifTags.IFD.GPSInfo)
        place[ExifTags.GPS.GPSLatitudeRef] = "N"
        place[ExifTags.GPS.GPSLatitude] = (52.0, 22.0, 12.5)
        place[ExifTags.GPS.GPSLongitudeRef] = "E"
        place[ExifTags.GPS.GPSLongitude] = (4.0, 53.0, 41.0)
    return exif.tobytes()


def jpeg_with_exif(image: Image.Image, **exif: object) -> bytes:
    return to_bytes(image, "JPEG", quality=92, exif=exif_bytes(**exif))  # type: ignore[arg-type]


def cmyk_jpeg(size: tuple[int, int] = (400, 300)) -> bytes:
    """A CMYK JPEG (Pillow writes Adobe's inverted form, as Photoshop does) in pure red."""
    return to_bytes(Image.new("CMYK", size, (0, 255, 255, 0)), "JPEG", quality=92)


def animated_gif(size: tuple[int, int] = (300, 200)) -> bytes:
    frames = [Image.new("RGB", size, colour) for colour in (RED, BLUE, GREEN)]
    return to_bytes(frames[0], "GIF", save_all=True, append_images=frames[1:], duration=100,
                    loop=0)


def palette_png_with_transparency(size: tuple[int, int] = (400, 300)) -> bytes:
    """A palette PNG whose left half is the transparent index, the right half opaque blue."""
    image = Image.new("P", size, 0)
    image.putpalette([255, 255, 255, *BLUE] + [0] * (256 * 3 - 6))
    image.paste(1, (size[0] // 2, 0, size[0], size[1]))
    return to_bytes(image, "PNG", transparency=0)


def opaque_rgba_png(size: tuple[int, int] = (400, 300)) -> bytes:
    image = corner_image(size).convert("RGBA")
    return to_bytes(image, "PNG")


def grey16_png(size: tuple[int, int] = (400, 300), value: int = 40000) -> bytes:
    return to_bytes(Image.new("I;16", size, value), "PNG")


@cache  # the profile's header carries the time it was made: two calls a second apart differ
def srgb_icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


@cache
def swapped_primaries_icc() -> bytes:
    """An RGB profile whose red and blue primaries are swapped: pixels stored as red mean blue.

    Made from the built-in sRGB profile by exchanging its rXYZ and bXYZ tags and renaming it, so
    a conversion that honours embedded profiles visibly turns red into blue.
    """
    icc = bytearray(srgb_icc())
    (count,) = struct.unpack(">I", icc[128:132])
    tags = {}
    for index in range(count):
        signature, offset, size = struct.unpack(">4sII", icc[132 + 12 * index:144 + 12 * index])
        tags[signature] = (offset, size)
    (red_at, red_size), (blue_at, blue_size) = tags[b"rXYZ"], tags[b"bXYZ"]
    red, blue = bytes(icc[red_at:red_at + red_size]), bytes(icc[blue_at:blue_at + blue_size])
    icc[red_at:red_at + red_size], icc[blue_at:blue_at + blue_size] = blue, red
    # The description is UTF-16 text; rename it so nothing mistakes the profile for sRGB.
    return bytes(icc).replace("sRGB".encode("utf-16-be"), "Swap".encode("utf-16-be"))


def png_bytes(width: int, height: int, bit_depth: int, colour_type: int,
              rows: bytes | None = None) -> bytes:
    """A PNG written by hand; ``rows`` is the filtered scanline data (each row starts with its
    filter byte). Without rows, the IDAT holds a few zero bytes: enough for a header-only test."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data)))

    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    return b"".join((b"\x89PNG\r\n\x1a\n", chunk(b"IHDR", header),
                     chunk(b"IDAT", zlib.compress(rows if rows is not None else bytes(16))),
                     chunk(b"IEND", b"")))


def rgb48_png(size: tuple[int, int], rgb16: tuple[int, int, int]) -> bytes:
    """16 bits per channel RGB (48-bit) PNG of one colour."""
    row = b"\x00" + struct.pack(">3H", *rgb16) * size[0]
    return png_bytes(size[0], size[1], 16, 2, row * size[1])


def bomb_png(width: int = 30000, height: int = 30000) -> bytes:
    """A tiny file whose header claims a gigantic one-bit image."""
    return png_bytes(width, height, 1, 0)


def rgb48_tiff(size: tuple[int, int], rgb16: tuple[int, int, int]) -> bytes:
    """An uncompressed little-endian TIFF with 16 bits per channel RGB, of one colour."""
    width, height = size
    pixels = struct.pack("<3H", *rgb16) * (width * height)
    entries = [  # (tag, type, count, value); type 3 = SHORT, 4 = LONG
        (256, 4, 1, width), (257, 4, 1, height), (258, 3, 3, 0),  # BitsPerSample -> offset
        (259, 3, 1, 1), (262, 3, 1, 2), (273, 4, 1, 0), (277, 3, 1, 3),
        (278, 4, 1, height), (279, 4, 1, len(pixels)), (284, 3, 1, 1),
    ]
    ifd_size = 2 + 12 * len(entries) + 4
    bits_offset = 8 + ifd_size
    data_offset = bits_offset + 6
    out = bytearray(b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", len(entries)))
    for tag, kind, count, value in entries:
        if tag == 258:
            value = bits_offset
        elif tag == 273:
            value = data_offset
        if kind == 3 and count == 1:
            out += struct.pack("<HHIHH", tag, kind, count, value, 0)
        else:
            out += struct.pack("<HHII", tag, kind, count, value)
    out += struct.pack("<I", 0)  # no next IFD
    out += struct.pack("<3H", 16, 16, 16)
    out += pixels
    return bytes(out)
