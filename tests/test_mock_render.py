"""The offline demo result: right size, right backdrop, the photo on it, and clearly marked."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageColor

from app.images.intake import prepare_photo
from app.images.mock_render import render_mock_result
from app.services.errors import PhotoUnusableError
from app.services.styles import all_styles, get_style
from tests import photos

WHITE = (255, 255, 255)


@pytest.fixture(scope="module")
def upload() -> bytes:
    """A landscape upload copy in a solid colour, as the engine would send it."""
    image = Image.new("RGB", (2000, 1500), photos.GREEN)
    return prepare_photo(photos.to_bytes(image, "JPEG", quality=92)).data


def render(upload: bytes, style_id: str) -> Image.Image:
    data = render_mock_result(upload, get_style(style_id))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(data)).verify()  # checks every chunk's CRC
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 3) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


@pytest.mark.parametrize(("style_id", "size"), [("studio_white", (1024, 1024)),
                                                ("lifestyle_kitchen", (896, 1152)),
                                                ("banner", (1344, 768))])
def test_result_has_exactly_the_style_size(upload: bytes, style_id: str,
                                           size: tuple[int, int]) -> None:
    assert get_style(style_id).output_size == size
    assert render(upload, style_id).size == size


def test_every_style_renders_at_its_size(upload: bytes) -> None:
    for style in all_styles():
        assert render(upload, style.id).size == style.output_size, style.id


def test_studio_white_corners_are_pure_white(upload: bytes) -> None:
    image = render(upload, "studio_white").convert("RGB")
    width, height = image.size
    for corner in [(0, 0), (width - 1, 0), (0, height - 1), (width - 1, height - 1)]:
        assert image.getpixel(corner) == WHITE, corner


def test_photo_sits_in_the_middle_at_about_80_percent(upload: bytes) -> None:
    image = render(upload, "studio_white").convert("RGB")
    assert close(image.getpixel((512, 512)), photos.GREEN, tolerance=12)
    row = [image.getpixel((x, 512)) for x in range(1024)]
    photo_columns = [x for x, pixel in enumerate(row) if close(pixel, photos.GREEN, 12)]
    assert 0.75 * 1024 <= len(photo_columns) <= 0.85 * 1024


def test_backdrop_runs_from_the_top_colour_to_the_bottom_colour(upload: bytes) -> None:
    style = get_style("lifestyle_kitchen")
    image = render(upload, style.id).convert("RGB")
    width, height = image.size
    top, bottom = (ImageColor.getrgb(colour) for colour in style.backdrop)
    assert close(image.getpixel((width - 1, 0)), top)
    assert close(image.getpixel((width - 1, height - 1)), bottom)


def test_banner_keeps_the_left_side_free_for_text(upload: bytes) -> None:
    style = get_style("banner")
    image = render(upload, style.id).convert("RGB")
    width, height = image.size
    middle = height // 2
    assert close(image.getpixel((width * 5 // 6, middle)), photos.GREEN, tolerance=12)
    top, bottom = (ImageColor.getrgb(colour) for colour in style.backdrop)
    for x in range(width // 5, width * 3 // 5, 37):  # right of the badge, left of the photo
        assert not close(image.getpixel((x, middle)), photos.GREEN, tolerance=40)
        assert all(min(t, b) - 2 <= c <= max(t, b) + 2
                   for c, t, b in zip(image.getpixel((x, middle)), top, bottom, strict=True))


def test_demo_mark_is_visible_in_its_corner(upload: bytes) -> None:
    image = render(upload, "studio_white").convert("RGB")
    corner = image.crop((0, 0, image.width // 5, image.height // 12))
    pixels = list(corner.get_flattened_data())
    dark = sum(1 for pixel in pixels if max(pixel) < 160)
    assert dark > len(pixels) // 10  # the pill
    # The text inside the pill is light again: the mark is not just a dark blot.
    row = [corner.getpixel((x, corner.height // 2 + 2)) for x in range(corner.width)]
    assert any(max(pixel) < 160 for pixel in row) and any(min(pixel) > 200 for pixel in row[40:])


def test_transparent_photo_keeps_its_own_outline() -> None:
    cutout = prepare_photo(photos.palette_png_with_transparency((800, 600)))
    assert cutout.has_alpha
    image = render(cutout.data, "studio_white").convert("RGB")
    # The left half of the photo is transparent: the white backdrop shows through there...
    assert image.getpixel((300, 512)) == WHITE
    # ...and the opaque right half is drawn.
    assert close(image.getpixel((700, 512)), photos.BLUE, tolerance=12)


def test_small_photo_is_enlarged_to_fill_the_frame() -> None:
    small = prepare_photo(photos.to_bytes(Image.new("RGB", (300, 300), photos.RED), "PNG")).data
    image = render(small, "studio_white").convert("RGB")
    assert close(image.getpixel((150, 512)), photos.RED, tolerance=12)


def test_unreadable_upload_is_refused() -> None:
    with pytest.raises(PhotoUnusableError):
        render_mock_result(b"not an image at all", get_style("studio_white"))
