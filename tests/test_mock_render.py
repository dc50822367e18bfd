"""The offline demo result: the real cut-out product staged in the style's scene, the right size,
clearly marked; the whole photo on the style's gradient when no product can be cut out."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageColor, ImageFilter, ImageOps

from app.core.paths import resource_dir
from app.images import mock_render
from app.images.cutout import CutoutModelError, cut_out
from app.images.intake import decode_image, prepare_photo
from app.images.mock_render import FILL, SCENES, render_mock_result
from app.services.errors import PhotoUnusableError
from app.services.styles import all_styles, get_style
from tests import photos

WHITE = (255, 255, 255)
GENERATIVE = [style for style in all_styles() if not style.is_local]
# Where each backdrop's top surface is (counter, table top, stone, plinth), as shares of the
# height, read off the pictures: the product's bottom edge must land on it.
SURFACES = {"lifestyle_kitchen": (0.70, 0.98), "lifestyle_living": (0.70, 0.81),
            "outdoor": (0.69, 0.835), "banner": (0.67, 0.745)}


@pytest.fixture(scope="module")
def upload() -> bytes:
    """A landscape upload copy in a solid colour, as the engine would send it: nothing in it
    stands out as a product."""
    image = Image.new("RGB", (2000, 1500), photos.GREEN)
    return prepare_photo(photos.to_bytes(image, "JPEG", quality=92)).data


@pytest.fixture(scope="module")
def fallback_renders(upload: bytes) -> dict[str, Image.Image]:
    """The demo results for the solid-colour upload, made once for the module."""
    return {style_id: render(upload, style_id)
            for style_id in ("studio_white", "lifestyle_kitchen", "banner")}


@pytest.fixture(scope="module")
def cup() -> bytes:
    """The shipped espresso-cup sample's upload copy: a real product on a wooden bar."""
    raw = (resource_dir() / "samples" / "espresso-cup.jpg").read_bytes()
    return prepare_photo(raw, "espresso-cup.jpg").data


@pytest.fixture(scope="module")
def cup_renders(cup: bytes) -> dict[str, Image.Image]:
    """Each style's demo result for the cup, made once for the module (the cut-out takes
    about half a second)."""
    return {style.id: render(cup, style.id) for style in GENERATIVE}


def render(upload: bytes, style_id: str) -> Image.Image:
    data = render_mock_result(upload, get_style(style_id))
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(data)).verify()  # checks every chunk's CRC
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    image.load()
    return image.convert("RGB")


def pixels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.int16)


def close(actual: tuple[int, ...], expected: tuple[int, ...], tolerance: int = 3) -> bool:
    return all(abs(a - e) <= tolerance for a, e in zip(actual, expected, strict=True))


def backdrop_picture(style_id: str) -> Image.Image:
    name = SCENES[style_id].backdrop
    assert name is not None
    with Image.open(resource_dir() / "backdrops" / name) as picture:
        return ImageOps.fit(picture.convert("RGB"), get_style(style_id).output_size,
                            Image.Resampling.BICUBIC)


def changed_box(result: Image.Image, backdrop: Image.Image) -> tuple[int, int, int, int]:
    """Where the result differs clearly from its backdrop, the DEMO badge left out."""
    return box_of(np.abs(pixels(result) - pixels(backdrop)).max(axis=2) > 40)


def box_of(changed: np.ndarray) -> tuple[int, int, int, int]:
    """The bounding box of the ``changed`` pixels, the DEMO badge's corner left out."""
    changed = changed.copy()
    badge = round(min(changed.shape) * 0.055)
    changed[: badge * 2, : badge * 4] = False
    ys, xs = np.nonzero(changed)
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


# --- every style ---------------------------------------------------------------------------


@pytest.mark.parametrize(("style_id", "size"), [("studio_white", (1024, 1024)),
                                                ("lifestyle_kitchen", (896, 1152)),
                                                ("banner", (1344, 768))])
def test_result_has_exactly_the_style_size(cup_renders: dict[str, Image.Image],
                                           fallback_renders: dict[str, Image.Image],
                                           style_id: str, size: tuple[int, int]) -> None:
    assert get_style(style_id).output_size == size
    assert cup_renders[style_id].size == size
    assert fallback_renders[style_id].size == size


def test_every_demo_style_renders_a_cut_out_at_its_size(cup_renders: dict[str, Image.Image]
                                                        ) -> None:
    for style in GENERATIVE:
        assert cup_renders[style.id].size == style.output_size, style.id


def test_every_demo_style_has_its_scene_and_backdrop_file() -> None:
    for style in GENERATIVE:
        scene = SCENES.get(style.id)
        assert scene is not None, style.id
        if scene.backdrop is None:
            continue
        path = resource_dir() / "backdrops" / scene.backdrop
        assert path.stat().st_size < 300_000, path
        with Image.open(path) as picture:
            ratio = picture.width / picture.height
        width, height = style.output_size
        assert abs(ratio - width / height) < 0.02, path  # cropped hardly at all


# --- the white styles: a real cut-out -----------------------------------------------------


def test_white_result_keeps_the_products_own_pixels_on_pure_white(
        cup: bytes, cup_renders: dict[str, Image.Image]) -> None:
    image = cup_renders["studio_white"]
    values = pixels(image)
    for ring in (values[:4], values[-4:], values[:, :4], values[:, -4:]):
        assert (ring == 255).all()  # the border is pure white, right to the edge
    # The product is the cup alone (the wooden bar it stood on is gone), 85% of the frame.
    left, top, right, bottom = box_of(np.abs(values - 255).max(axis=2) > 8)
    assert abs(max(right - left, bottom - top) - 0.85 * 1024) < 0.02 * 1024
    assert abs((left + right) / 2 - 512) < 8 and abs((top + bottom) / 2 - 512) < 8
    # Where the mask is solid the pixels are the photo's own, only scaled.
    photo, _ = decode_image(cup, box=(1536, 1536))
    cut = cut_out(photo.convert("RGB"))
    assert cut.box is not None
    size = (right - left, bottom - top)
    expected = pixels(cut.photo.crop(cut.box).resize(size, Image.Resampling.BICUBIC))
    mask = cut.mask.crop(cut.box).resize(size, Image.Resampling.BILINEAR)
    solid = np.asarray(mask.filter(ImageFilter.MinFilter(7))) == 255
    clear = np.asarray(mask.filter(ImageFilter.MaxFilter(7))) == 0
    assert solid.mean() > 0.5 and clear.mean() > 0.05
    actual = values[top:bottom, left:right]
    assert np.abs(actual - expected)[solid].mean() < 6
    assert (actual[clear] == 255).all()  # the photo's background is not pasted with it


def test_white_with_shadow_has_a_shadow_under_the_product(
        cup_renders: dict[str, Image.Image]) -> None:
    values = pixels(cup_renders["white_shadow"])
    plain = pixels(cup_renders["studio_white"])
    # Just below the product the shadow darkens the backdrop; without one it stays white.
    rows = np.nonzero(np.abs(values[:, 512] - 255).max(axis=1) > 30)[0]
    below = int(rows.max()) + 4
    assert values[below, 480:545].mean() < 235
    assert (plain[below + 20:below + 30, 480:545] == 255).all()


# --- the scene styles: the cut-out on a backdrop picture -----------------------------------


@pytest.mark.parametrize("style_id", ["lifestyle_kitchen", "lifestyle_living", "outdoor"])
def test_scene_stands_the_product_on_the_surface_of_its_backdrop(
        cup_renders: dict[str, Image.Image], style_id: str) -> None:
    result, backdrop = cup_renders[style_id], backdrop_picture(style_id)
    width, height = result.size
    # Not a flat gradient: the backdrop picture itself, away from the product.
    assert close(result.getpixel((8, height - 8)), backdrop.getpixel((8, height - 8)), 6)
    assert pixels(result)[: height // 4].std(axis=1).mean() > 3  # detail along each row
    left, _top, right, bottom = changed_box(result, backdrop)
    # The product's bottom edge (its contact shadow a little below) is on the surface.
    low, high = SURFACES[style_id]
    assert low * height < bottom < high * height + 0.02 * height
    assert abs((left + right) / 2 - width / 2) < 0.03 * width
    assert 0.3 * width < right - left < 0.7 * width


def test_banner_puts_the_product_in_the_right_third(cup_renders: dict[str, Image.Image]) -> None:
    result, backdrop = cup_renders["banner"], backdrop_picture("banner")
    width, height = result.size
    left, _top, _right, bottom = changed_box(result, backdrop)
    assert left > width * 2 // 3 - 0.02 * width
    low, high = SURFACES["banner"]
    assert low * height < bottom < high * height + 0.02 * height  # on the plinth
    # The left two thirds, right of the badge, are the backdrop untouched: room for text.
    free = np.abs(pixels(result) - pixels(backdrop))[:, width // 5: width * 3 // 5]
    assert free.max() <= 12


def test_flat_lay_is_the_linen_with_the_product_in_the_middle(
        cup_renders: dict[str, Image.Image]) -> None:
    result, backdrop = cup_renders["flat_lay"], backdrop_picture("flat_lay")
    left, top, right, bottom = changed_box(result, backdrop)
    assert abs((left + right) / 2 - 512) < 20 and abs((top + bottom) / 2 - 512) < 40
    assert close(result.getpixel((1010, 1010)), backdrop.getpixel((1010, 1010)), 6)


def test_demo_mark_is_visible_in_its_corner(cup_renders: dict[str, Image.Image],
                                            fallback_renders: dict[str, Image.Image]) -> None:
    for image in (cup_renders["studio_white"], fallback_renders["studio_white"]):
        corner = image.crop((0, 0, image.width // 5, image.height // 12))
        values = list(corner.get_flattened_data())
        dark = sum(1 for pixel in values if max(pixel) < 160)
        assert dark > len(values) // 10  # the pill
        # The text inside the pill is light again: the mark is not just a dark blot.
        row = [corner.getpixel((x, corner.height // 2 + 2)) for x in range(corner.width)]
        assert any(max(pixel) < 160 for pixel in row) and any(min(pixel) > 200
                                                              for pixel in row[40:])


def test_transparent_photo_uses_its_own_outline() -> None:
    cutout = prepare_photo(photos.palette_png_with_transparency((800, 600)))
    assert cutout.has_alpha
    image = render(cutout.data, "studio_white")
    # Only the opaque right half (400 x 600, blue) is the product: centred, 85% high.
    blue = np.all(np.abs(pixels(image) - np.array(photos.BLUE)) < 12, axis=2)
    ys, xs = np.nonzero(blue)
    height, width = ys.max() - ys.min() + 1, xs.max() - xs.min() + 1
    assert abs(height - 0.85 * 1024) < 6
    assert abs(width / height - 400 / 600) < 0.02
    assert image.getpixel((100, 512)) == WHITE


# --- the fallback: the whole photo on the style's gradient ---------------------------------


def test_photo_with_nothing_in_it_is_shown_whole_at_about_80_percent(
        upload: bytes, fallback_renders: dict[str, Image.Image]) -> None:
    photo, _ = decode_image(upload, box=(1536, 1536))
    assert cut_out(photo).box is None  # the path under test: no product found
    image = fallback_renders["studio_white"]
    assert close(image.getpixel((512, 512)), photos.GREEN, tolerance=12)
    row = [image.getpixel((x, 512)) for x in range(1024)]
    photo_columns = [x for x, pixel in enumerate(row) if close(pixel, photos.GREEN, 12)]
    assert 0.75 * 1024 <= len(photo_columns) <= 0.85 * 1024


def test_fallback_backdrop_runs_from_the_top_colour_to_the_bottom_colour(
        fallback_renders: dict[str, Image.Image]) -> None:
    style = get_style("lifestyle_kitchen")
    image = fallback_renders[style.id]
    width, height = image.size
    top, bottom = (ImageColor.getrgb(colour) for colour in style.backdrop)
    assert close(image.getpixel((width - 1, 0)), top)
    assert close(image.getpixel((width - 1, height - 1)), bottom)


def test_fallback_banner_keeps_the_left_side_free_for_text(
        fallback_renders: dict[str, Image.Image]) -> None:
    style = get_style("banner")
    image = fallback_renders[style.id]
    width, height = image.size
    middle = height // 2
    assert close(image.getpixel((width * 5 // 6, middle)), photos.GREEN, tolerance=12)
    top, bottom = (ImageColor.getrgb(colour) for colour in style.backdrop)
    for x in range(width // 5, width * 3 // 5, 37):  # right of the badge, left of the photo
        assert not close(image.getpixel((x, middle)), photos.GREEN, tolerance=40)
        assert all(min(t, b) - 2 <= c <= max(t, b) + 2
                   for c, t, b in zip(image.getpixel((x, middle)), top, bottom, strict=True))


def test_missing_cut_out_model_falls_back_to_the_whole_photo(
        cup: bytes, monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(_photo: Image.Image) -> None:
        raise CutoutModelError("The cut-out model is missing from this installation.")

    monkeypatch.setattr(mock_render, "cut_out", missing)
    image = render(cup, "studio_white")
    photo, _ = decode_image(cup, box=(1536, 1536))
    side = round(1024 * FILL)
    scale = min(side / photo.width, side / photo.height)
    size = (round(photo.width * scale), round(photo.height * scale))
    left, top = (1024 - size[0]) // 2, (1024 - size[1]) // 2
    inset = 30  # clear of the rounded corners
    shown = pixels(image)[top + inset:top + size[1] - inset, left + inset:left + size[0] - inset]
    expected = pixels(photo.convert("RGB").resize(size, Image.Resampling.BICUBIC))[
        inset:-inset, inset:-inset]
    assert np.abs(shown - expected).mean() < 4  # the wooden bar and all: the whole photo


def test_small_photo_is_enlarged_to_fill_the_frame() -> None:
    small = prepare_photo(photos.to_bytes(Image.new("RGB", (300, 300), photos.RED), "PNG")).data
    image = render(small, "studio_white")
    assert close(image.getpixel((150, 512)), photos.RED, tolerance=12)


def test_unreadable_upload_is_refused() -> None:
    with pytest.raises(PhotoUnusableError):
        render_mock_result(b"not an image at all", get_style("studio_white"))
