"""Photo intake: any kind of file in, a clean upload copy and thumbnail out, or a plain no."""

from __future__ import annotations

import io
import random
import warnings
from pathlib import Path

import pytest
from PIL import Image

from app.images.intake import (
    IMAGE_EXTENSIONS,
    MAX_FILE_BYTES,
    MAX_UPLOAD_EDGE,
    PreparedPhoto,
    make_thumbnail,
    prepare_photo,
    read_photo,
)
from app.services.errors import PhotoUnusableError
from tests import photos


def open_upload(prepared: PreparedPhoto) -> Image.Image:
    image = Image.open(io.BytesIO(prepared.data))
    image.load()
    return image


def near(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 12) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def prepare_file(path: Path) -> PreparedPhoto:
    return prepare_photo(read_photo(path), name=path.name)


# --- reading files ----------------------------------------------------------------------------


def test_extensions_are_lowercase_with_dot() -> None:
    assert {".jpg", ".jpeg", ".jpe", ".png", ".webp", ".heic", ".heif", ".avif", ".tif",
            ".tiff", ".bmp", ".gif"} == IMAGE_EXTENSIONS


def test_read_photo_returns_the_whole_file(tmp_path: Path) -> None:
    data = photos.to_bytes(photos.corner_image(), "PNG")
    assert read_photo(photos.write(tmp_path / "a.png", data)) == data


def test_vanished_file_is_refused_plainly(tmp_path: Path) -> None:
    with pytest.raises(PhotoUnusableError) as caught:
        read_photo(tmp_path / "gone.jpg")
    assert "no longer there" in caught.value.message
    assert "gone.jpg" in (caught.value.detail or "")


def test_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "holiday.jpg"
    folder.mkdir()
    with pytest.raises(PhotoUnusableError, match="folder"):
        read_photo(folder)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PhotoUnusableError, match=r"empty \(0 bytes\)"):
        read_photo(photos.write(tmp_path / "empty.jpg", b""))
    with pytest.raises(PhotoUnusableError, match="empty"):
        prepare_photo(b"")


def test_absurdly_large_file_is_refused_without_reading_it(tmp_path: Path) -> None:
    huge = tmp_path / "huge.jpg"
    with huge.open("wb") as handle:  # sparse: no disk space used
        handle.truncate(MAX_FILE_BYTES + 1)
    with pytest.raises(PhotoUnusableError, match="too large"):
        read_photo(huge)


def test_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = photos.write(tmp_path / "locked.jpg", b"\xff\xd8\xff")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    # chmod cannot lock out root (these tests may run as root), so the refusal is simulated.
    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(PhotoUnusableError, match="not allowed") as caught:
        read_photo(locked)
    assert "Permission denied" in (caught.value.detail or "")


# --- what comes out ---------------------------------------------------------------------------


def test_large_jpeg_is_shrunk_by_the_decoder_and_keeps_its_shape(tmp_path: Path) -> None:
    path = photos.write(tmp_path / "big.jpg",
                        photos.to_bytes(photos.noisy_image((4000, 3000)), "JPEG", quality=90))
    prepared = prepare_file(path)
    assert prepared.mime == "image/jpeg" and prepared.extension == ".jpg"
    assert prepared.original_size == (4000, 3000)
    assert 1600 <= max(prepared.size) <= MAX_UPLOAD_EDGE
    assert prepared.size[0] * 3 == prepared.size[1] * 4
    assert open_upload(prepared).size == prepared.size


def test_large_png_is_shrunk_to_the_limit() -> None:
    prepared = prepare_photo(photos.to_bytes(photos.corner_image((3000, 1000)), "PNG"))
    assert prepared.size == (MAX_UPLOAD_EDGE, 683)
    assert prepared.original_size == (3000, 1000)


def test_small_photo_is_never_enlarged() -> None:
    prepared = prepare_photo(photos.to_bytes(photos.corner_image((800, 600)), "JPEG"))
    assert prepared.size == prepared.original_size == (800, 600)


@pytest.mark.parametrize(("size", "expected"), [((4000, 3000), (512, 384)),
                                                ((600, 900), (341, 512)),
                                                ((300, 200), (300, 200))])
def test_thumbnail_has_a_512_px_long_edge(size: tuple[int, int],
                                          expected: tuple[int, int]) -> None:
    prepared = prepare_photo(photos.to_bytes(photos.corner_image(size), "JPEG"))
    thumbnail = Image.open(io.BytesIO(prepared.thumbnail))
    assert prepared.thumbnail_mime == "image/jpeg" and thumbnail.format == "JPEG"
    assert thumbnail.size == expected


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    # Orientation 6: stored sideways, shown turned a quarter clockwise, so the stored top-left
    # corner is shown at the top right.
    data = photos.jpeg_with_exif(photos.corner_image((400, 300)), orientation=6)
    prepared = prepare_file(photos.write(tmp_path / "turned.jpg", data))
    upload = open_upload(prepared)
    assert prepared.size == upload.size == (300, 400)
    assert prepared.original_size == (300, 400)
    assert near(upload.getpixel((290, 10)), photos.RED)
    assert near(upload.getpixel((10, 10)), photos.WHITE)
    thumbnail = Image.open(io.BytesIO(prepared.thumbnail)).convert("RGB")
    assert thumbnail.size == (300, 400)  # smaller than 512: not enlarged
    assert near(thumbnail.getpixel((290, 10)), photos.RED)


def test_orientation_is_applied_to_a_decoder_scaled_jpeg() -> None:
    data = photos.jpeg_with_exif(photos.corner_image((4000, 3000)), orientation=8)
    prepared = prepare_photo(data)
    upload = open_upload(prepared)
    assert prepared.original_size == (3000, 4000)
    assert prepared.size[1] > prepared.size[0]
    # Orientation 8: turned a quarter anticlockwise, the stored top-left lands bottom left.
    assert near(upload.getpixel((10, upload.height - 10)), photos.RED)


def test_location_camera_and_comment_are_stripped(tmp_path: Path) -> None:
    exif = photos.exif_bytes(camera=True, gps=True)
    data = photos.to_bytes(photos.corner_image(), "JPEG", exif=exif, comment=b"Shot at home")
    source = Image.open(io.BytesIO(data))
    assert source.getexif().get_ifd(0x8825), "the test photo must carry a GPS position"
    prepared = prepare_file(photos.write(tmp_path / "gps.jpg", data))
    upload = open_upload(prepared)
    assert not upload.getexif()
    assert "exif" not in upload.info and "comment" not in upload.info
    for secret in (b"AcmePhone", b"Acme X12", b"Shot at home", b"Exif\x00"):
        assert secret not in prepared.data
        assert secret not in prepared.thumbnail


def test_cmyk_jpeg_keeps_its_colours() -> None:
    prepared = prepare_photo(photos.cmyk_jpeg())
    red, green, blue = open_upload(prepared).getpixel((200, 150))
    assert red > 200 and green < 80 and blue < 80


@pytest.mark.parametrize("fmt", ["JPEG", "PNG"])
def test_embedded_colour_profile_is_converted_to_srgb(fmt: str) -> None:
    image = Image.new("RGB", (400, 300), photos.RED)
    tagged = photos.to_bytes(image, fmt, icc_profile=photos.swapped_primaries_icc())
    pixel = open_upload(prepare_photo(tagged)).getpixel((200, 150))
    assert near(pixel, photos.RED[::-1], tolerance=20)  # stored red meant blue


def test_srgb_profile_leaves_colours_alone() -> None:
    tagged = photos.to_bytes(Image.new("RGB", (400, 300), photos.RED), "PNG",
                             icc_profile=photos.srgb_icc())
    assert near(open_upload(prepare_photo(tagged)).getpixel((200, 150)), photos.RED, tolerance=6)


def test_16_bit_greyscale_png_is_scaled_not_clipped() -> None:
    prepared = prepare_photo(photos.grey16_png(value=40000))  # 40000 / 65535 of white
    pixel = open_upload(prepared).getpixel((10, 10))
    assert near(pixel, (156, 156, 156), tolerance=3)


@pytest.mark.parametrize("maker", [photos.rgb48_tiff, photos.rgb48_png])
def test_48_bit_rgb_is_read(maker) -> None:  # type: ignore[no-untyped-def]
    prepared = prepare_photo(maker((400, 300), (65535, 32896, 0)))
    assert prepared.mime == "image/jpeg"
    assert near(open_upload(prepared).getpixel((200, 150)), (255, 128, 0))


def test_palette_png_with_transparency_stays_transparent() -> None:
    prepared = prepare_photo(photos.palette_png_with_transparency())
    assert prepared.has_alpha and prepared.mime == "image/png" and prepared.extension == ".png"
    upload = open_upload(prepared)
    assert upload.mode == "RGBA"
    assert upload.getpixel((10, 10))[3] == 0
    assert near(upload.getpixel((390, 10)), (*photos.BLUE, 255), tolerance=0)
    assert prepared.thumbnail_mime == "image/png"
    assert Image.open(io.BytesIO(prepared.thumbnail)).mode == "RGBA"


def test_colour_keyed_png_keeps_its_transparency() -> None:
    image = photos.corner_image()  # white with a red corner; white is the transparent colour
    prepared = prepare_photo(photos.to_bytes(image, "PNG", transparency=photos.WHITE))
    upload = open_upload(prepared)
    assert prepared.has_alpha and upload.mode == "RGBA"
    assert upload.getpixel((390, 290))[3] == 0
    assert upload.getpixel((10, 10)) == (*photos.RED, 255)


def test_fully_opaque_alpha_is_dropped() -> None:
    prepared = prepare_photo(photos.opaque_rgba_png())
    assert not prepared.has_alpha
    assert prepared.mime == "image/jpeg" and prepared.extension == ".jpg"
    assert open_upload(prepared).mode == "RGB"


@pytest.mark.parametrize(("fmt", "suffix"), [("HEIF", ".heic"), ("WEBP", ".webp"),
                                             ("BMP", ".bmp"), ("TIFF", ".tif"),
                                             ("PNG", ".png")])
def test_other_formats_are_read(tmp_path: Path, fmt: str, suffix: str) -> None:
    data = photos.to_bytes(photos.corner_image((400, 300)), fmt)
    prepared = prepare_file(photos.write(tmp_path / f"photo{suffix}", data))
    upload = open_upload(prepared)
    assert upload.size == (400, 300)
    assert near(upload.getpixel((20, 20)), photos.RED, tolerance=20)
    assert near(upload.getpixel((380, 280)), photos.WHITE, tolerance=20)


def test_animated_gif_uses_its_first_frame() -> None:
    prepared = prepare_photo(photos.animated_gif())
    assert near(open_upload(prepared).getpixel((150, 100)), photos.RED, tolerance=20)


def test_content_decides_not_the_extension(tmp_path: Path) -> None:
    png = photos.write(tmp_path / "really-a-png.jpg",
                       photos.to_bytes(photos.corner_image(), "PNG"))
    assert prepare_file(png).size == (400, 300)
    text = photos.write(tmp_path / "notes.jpg", b"Remember to order more boxes.\n" * 20)
    with pytest.raises(PhotoUnusableError, match="not a photo"):
        prepare_file(text)


def test_random_bytes_are_refused() -> None:
    noise = random.Random(7).randbytes(5000)
    with pytest.raises(PhotoUnusableError, match="not a photo"):
        prepare_photo(noise)


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "TIFF"])
def test_truncated_file_is_refused(fmt: str) -> None:
    data = photos.to_bytes(photos.noisy_image((600, 400)), fmt)
    with pytest.raises(PhotoUnusableError, match="incomplete") as caught:
        prepare_photo(data[: len(data) * 2 // 3], name="cut.jpg")
    assert "cut.jpg" in (caught.value.detail or "")


def test_decompression_bomb_is_refused_before_decoding() -> None:
    with pytest.raises(PhotoUnusableError, match="too large to process") as caught:
        prepare_photo(photos.bomb_png(30000, 30000))
    assert "DecompressionBomb" in (caught.value.detail or "")


@pytest.mark.parametrize("action", ["ignore", "error"])
def test_image_over_the_pixel_limit_is_refused_whatever_the_warning_filters(action: str) -> None:
    # 11000 x 11000 is over our limit but under twice it: Pillow only warns about it.
    with warnings.catch_warnings():
        warnings.simplefilter(action, Image.DecompressionBombWarning)  # type: ignore[arg-type]
        with pytest.raises(PhotoUnusableError, match="too large to process"):
            prepare_photo(photos.bomb_png(11000, 11000))


def test_too_small_photo_is_refused_with_the_minimum() -> None:
    with pytest.raises(PhotoUnusableError) as caught:
        prepare_photo(photos.to_bytes(Image.new("RGB", (50, 50), photos.RED), "PNG"))
    assert "too small (50 × 50" in caught.value.message and "64" in caught.value.message
    with pytest.raises(PhotoUnusableError, match="too small"):
        prepare_photo(photos.to_bytes(Image.new("RGB", (1000, 60), photos.RED), "PNG"))


def test_a_supplier_thumbnail_is_accepted() -> None:
    # 64 px on the short side is enough to start from (the tile warns: see test_engine).
    prepared = prepare_photo(photos.to_bytes(Image.new("RGB", (160, 64), photos.RED), "PNG"))
    assert prepared.original_size == (160, 64)


def test_avif_photos_are_read() -> None:
    prepared = prepare_photo(photos.to_bytes(Image.new("RGB", (800, 600), photos.RED), "AVIF"))
    assert prepared.size == (800, 600) and prepared.mime == "image/jpeg"


def test_unsupported_format_is_refused() -> None:
    data = photos.to_bytes(photos.corner_image(), "PCX")  # Pillow reads it; we do not promise to
    with pytest.raises(PhotoUnusableError, match="not a photo"):
        prepare_photo(data)


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about mangled TIFF tags
@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP", "TIFF", "BMP"])
def test_damaged_files_never_raise_anything_else(fmt: str) -> None:
    original = photos.to_bytes(photos.noisy_image((300, 200)), fmt)
    rng = random.Random(fmt)
    refused = 0
    for attempt in range(25):
        damaged = bytearray(original)
        if attempt == 0:
            damaged[:8] = bytes(8)  # a wrecked signature: must be refused, not just survived
        for _ in range(rng.randint(1, 12)):
            damaged[rng.randrange(min(len(damaged), 1500))] = rng.randrange(256)
        try:
            prepare_photo(bytes(damaged))
        except PhotoUnusableError as exc:
            refused += 1
            assert exc.message and exc.detail
    assert refused >= 1


# --- result thumbnails -----------------------------------------------------------------------


@pytest.mark.parametrize(("fmt", "size", "expected"), [("PNG", (1024, 1024), (512, 512)),
                                                       ("JPEG", (896, 1152), (398, 512)),
                                                       ("WEBP", (1344, 768), (512, 293))])
def test_make_thumbnail_of_a_result(fmt: str, size: tuple[int, int],
                                    expected: tuple[int, int]) -> None:
    data, mime = make_thumbnail(photos.to_bytes(photos.corner_image(size), fmt))
    thumbnail = Image.open(io.BytesIO(data))
    assert mime == "image/jpeg" and thumbnail.format == "JPEG"
    assert thumbnail.size == expected
    assert near(thumbnail.getpixel((5, 5)), photos.RED, tolerance=20)


def test_make_thumbnail_keeps_transparency_as_png() -> None:
    data, mime = make_thumbnail(photos.palette_png_with_transparency((1024, 768)))
    assert mime == "image/png"
    assert Image.open(io.BytesIO(data)).getpixel((5, 5))[3] == 0


def test_make_thumbnail_refuses_what_is_not_an_image() -> None:
    with pytest.raises(PhotoUnusableError):
        make_thumbnail(b"<html>Service unavailable</html>")
    with pytest.raises(PhotoUnusableError):
        make_thumbnail(b"")
