"""The offline demo's "result": the product cut out of the upload copy and staged in the
style's scene, marked DEMO.

The white styles get a real cut-out on white; the scene styles stand it on a backdrop picture
shipped in ``resources/backdrops`` (drawn by ``packaging/art/make_backdrops.py``), with a soft
shadow where it touches the surface. So the demo looks like what the style makes, from the
user's own product, in about half a second (the cut-out is nearly all of it) and without a key.
When the cut-out finds nothing, or its model is missing, the upload copy itself is shown on the
style's gradient as a framed photo instead: the demo job still finishes. Either way it must be
obvious in a screenshot that this is not a generated picture.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from PIL import Image, ImageColor, ImageDraw, ImageFilter, ImageFont, ImageOps

from app.core.paths import resource_dir
from app.images.cutout import CutOut, CutoutModelError, cut_out
from app.images.cutout.compose import NoProductError, contact_shadow, product_box
from app.images.intake import decode_image
from app.services.styles import Style

# The upload is cut out at up to this edge: the frame is at most 1536 px wide and the product
# never fills more than 85% of it, so more pixels would only slow the cut-out down.
WORK_EDGE = 1536
FILL = 0.8  # fallback: share of the frame (or of the banner's right third) the photo fits in
BANNER_RATIO = 1.7  # frames at least this wide keep their left part free for text
CORNER = 0.035  # corner radius, as a share of the photo's short side
SHADOW_BLUR = 0.022  # as a share of the frame's short side
SHADOW_OPACITY = 0.30
SHADOW_SCALE = 4  # the shadow is blurred at 1/4 size: a full-size blur costs ~25 ms
CONTACT_DEPTH = 0.12  # a contact shadow's height, as a share of the product's width
CONTACT_OPACITY = 0.45
DEMO_TEXT = "DEMO"
BADGE_HEIGHT = 0.055  # as a share of the frame's short side
SUPERSAMPLE = 3  # the badge and corners are drawn larger and reduced, for smooth edges

Shadow = Literal["contact", "drop"] | None


@dataclass(frozen=True)
class Scene:
    """Where the demo stages the cut-out product for one style, in shares of the frame."""

    backdrop: str | None  # a picture in resources/backdrops; None: the style's own colours
    box: tuple[float, float]  # the product fits in this share of the frame's width and height
    # The middle of the product's bottom edge when it stands on a surface, else its centre.
    anchor: tuple[float, float]
    stands: bool = True
    shadow: Shadow = "contact"


# The anchors are where each backdrop's surface is: make_backdrops.py draws around them.
SCENES: dict[str, Scene] = {
    "studio_white": Scene(None, (0.85, 0.85), (0.5, 0.5), stands=False, shadow=None),
    "white_shadow": Scene(None, (0.80, 0.80), (0.5, 0.5), stands=False),
    "lifestyle_kitchen": Scene("kitchen-counter.jpg", (0.62, 0.46), (0.5, 0.80)),
    "lifestyle_living": Scene("living-room-table.jpg", (0.56, 0.42), (0.5, 0.775)),
    "outdoor": Scene("outdoor-stone.jpg", (0.58, 0.44), (0.5, 0.79)),
    "flat_lay": Scene("flat-lay-linen.jpg", (0.60, 0.60), (0.5, 0.5), stands=False,
                      shadow="drop"),
    "in_hand": Scene("soft-neutral.jpg", (0.60, 0.52), (0.5, 0.5), stands=False,
                     shadow="drop"),
    "banner": Scene("banner-plinth.jpg", (0.25, 0.56), (0.83, 0.72)),
}
# A style without a scene of its own (one added to styles.json later) is staged like this.
DEFAULT_SCENE = Scene(None, (0.70, 0.70), (0.5, 0.5), stands=False, shadow="drop")


def render_mock_result(upload: bytes, style: Style) -> bytes:
    """A PNG of exactly ``style.output_size``; PhotoUnusableError if ``upload`` is unreadable."""
    size = style.output_size
    photo, _ = decode_image(upload, box=(WORK_EDGE, WORK_EDGE), name="upload",
                            resample=Image.Resampling.BILINEAR)
    scene = SCENES.get(style.id, DEFAULT_SCENE)
    try:
        canvas = _staged(_cut(photo), scene, style, size)
    except (NoProductError, CutoutModelError):  # the demo still shows the user's photo
        canvas = _framed(photo, style, size)
    _demo_badge(canvas)
    return _png(canvas)


def _cut(photo: Image.Image) -> CutOut:
    """The product and its mask: a photo with real transparency is already cut out."""
    if photo.mode == "RGBA":
        return CutOut(photo.convert("RGB"), photo.getchannel("A"))
    return cut_out(photo)


def _staged(cut: CutOut, scene: Scene, style: Style, size: tuple[int, int]) -> Image.Image:
    """The product's own pixels, scaled to fit the scene's box, on the scene's backdrop."""
    box = product_box(cut)  # NoProductError for an empty mask
    product, mask = cut.photo.crop(box), cut.mask.crop(box)
    width, height = size
    scale = min(scene.box[0] * width / product.width, scene.box[1] * height / product.height)
    target = (max(1, round(product.width * scale)), max(1, round(product.height * scale)))
    resample = Image.Resampling.LANCZOS if scale < 1 else Image.Resampling.BICUBIC
    product, mask = product.resize(target, resample), mask.resize(target, resample)
    x = round(scene.anchor[0] * width - target[0] / 2)
    y = round(scene.anchor[1] * height - (target[1] if scene.stands else target[1] / 2))
    position = (min(max(x, 0), width - target[0]), min(max(y, 0), height - target[1]))
    canvas = _scene_backdrop(scene, style, size)
    if scene.shadow == "contact":
        contact_shadow(canvas, mask, position, depth_share=CONTACT_DEPTH,
                       opacity=CONTACT_OPACITY)
    elif scene.shadow == "drop":
        _drop_shadow(canvas, mask, position, None)
    canvas.paste(product, position, mask)
    return canvas


def _scene_backdrop(scene: Scene, style: Style, size: tuple[int, int]) -> Image.Image:
    """The scene's picture, cropped to fill ``size``; the style's gradient when it has none
    (or its file is missing from this installation)."""
    if scene.backdrop is not None:
        try:
            with Image.open(resource_dir() / "backdrops" / scene.backdrop) as picture:
                # Not cached: decoding a ~100 KB JPEG is a few ms, keeping six is ~20 MB.
                return ImageOps.fit(picture.convert("RGB"), size, Image.Resampling.BICUBIC)
        except (OSError, ValueError):
            pass
    return _backdrop(size, style.backdrop)


def _framed(photo: Image.Image, style: Style, size: tuple[int, int]) -> Image.Image:
    """The fallback: the whole upload copy, rounded, on the style's gradient."""
    left, top, right, bottom = _photo_area(size)
    box = (round((right - left) * FILL), round((bottom - top) * FILL))
    photo = _fit_to(photo, box)
    position = (left + (right - left - photo.width) // 2, top + (bottom - top - photo.height) // 2)
    if photo.mode == "RGBA":
        mask, covered = photo.getchannel("A"), None
    else:
        mask, radius = _rounded_mask(photo.size)
        covered = (position[0] + radius, position[1] + radius,
                   position[0] + photo.width - radius, position[1] + photo.height - radius)
    canvas = _backdrop(size, style.backdrop)
    _drop_shadow(canvas, mask, position, covered)
    canvas.paste(photo, position, mask)
    return canvas


def _photo_area(size: tuple[int, int]) -> tuple[int, int, int, int]:
    """Where the photo is centred: the whole frame, or a banner's right third."""
    width, height = size
    if width >= BANNER_RATIO * height:
        return width - width // 3, 0, width, height
    return 0, 0, width, height


def _fit_to(photo: Image.Image, box: tuple[int, int]) -> Image.Image:
    """The photo scaled to fit ``box``: a small one is enlarged too, so the demo looks like a
    finished picture."""
    scale = min(box[0] / photo.width, box[1] / photo.height)
    target = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
    if scale < 1.0:
        return photo.resize(target, Image.Resampling.BILINEAR, reducing_gap=2.0)
    return photo.resize(target, Image.Resampling.BICUBIC)


def _backdrop(size: tuple[int, int], colours: tuple[str, str]) -> Image.Image:
    """A vertical gradient from the style's top colour to its bottom colour."""
    top, bottom = (ImageColor.getrgb(colour)[:3] for colour in colours)
    if top == bottom:
        return Image.new("RGB", size, top)
    height = size[1]
    span = max(1, height - 1)
    column = bytes(
        round(top[band] + (bottom[band] - top[band]) * row / span)
        for row in range(height) for band in range(3))
    # One pixel wide, stretched sideways: far cheaper than drawing every row.
    return Image.frombytes("RGB", (1, height), column).resize(size, Image.Resampling.NEAREST)


@lru_cache(maxsize=16)
def _corner(radius: int) -> Image.Image:
    """The top-left quarter of an anti-aliased disc, ``radius`` pixels square."""
    big = radius * SUPERSAMPLE
    disc = Image.new("L", (2 * big, 2 * big), 0)
    ImageDraw.Draw(disc).ellipse((0, 0, 2 * big - 1, 2 * big - 1), fill=255)
    return disc.crop((0, 0, big, big)).reduce(SUPERSAMPLE)


def _rounded_mask(size: tuple[int, int]) -> tuple[Image.Image, int]:
    """An opaque mask with rounded corners, and the corner radius."""
    width, height = size
    mask = Image.new("L", size, 255)
    radius = min(max(2, round(min(size) * CORNER)), width // 2, height // 2)
    if radius < 2:
        return mask, radius
    corner = _corner(radius)
    mask.paste(corner, (0, 0))
    mask.paste(corner.transpose(Image.Transpose.FLIP_LEFT_RIGHT), (width - radius, 0))
    mask.paste(corner.transpose(Image.Transpose.FLIP_TOP_BOTTOM), (0, height - radius))
    mask.paste(corner.transpose(Image.Transpose.ROTATE_180), (width - radius, height - radius))
    return mask, radius


def _drop_shadow(canvas: Image.Image, mask: Image.Image, position: tuple[int, int],
                 covered: tuple[int, int, int, int] | None) -> None:
    """A soft shadow under the photo, a little lower: blurred small, then stretched.

    ``covered`` is the part of the canvas an opaque photo will paint over anyway; the shadow is
    not blended there (that is most of its area).
    """
    blur = max(2.0, min(canvas.size) * SHADOW_BLUR)
    pad = round(blur * 2)
    width, height = mask.width + 2 * pad, mask.height + 2 * pad
    small_size = (max(1, width // SHADOW_SCALE), max(1, height // SHADOW_SCALE))
    inner = (max(1, mask.width // SHADOW_SCALE), max(1, mask.height // SHADOW_SCALE))
    small = Image.new("L", small_size, 0)
    small.paste(mask.resize(inner, Image.Resampling.BILINEAR, reducing_gap=1.0),
                (pad // SHADOW_SCALE, pad // SHADOW_SCALE))
    small = small.filter(ImageFilter.GaussianBlur(blur / SHADOW_SCALE))
    small = small.point([round(value * SHADOW_OPACITY) for value in range(256)])
    shadow = small.resize((width, height), Image.Resampling.BILINEAR)
    left, top = position[0] - pad, position[1] - pad + round(blur * 0.6)
    if covered is None:
        canvas.paste((0, 0, 0), (left, top), shadow)
        return
    x0, x1 = (min(max(x - left, 0), width) for x in (covered[0], covered[2]))
    y0, y1 = (min(max(y - top, 0), height) for y in (covered[1], covered[3]))
    for band in ((0, 0, width, y0), (0, y1, width, height), (0, y0, x0, y1), (x1, y0, width, y1)):
        if band[2] > band[0] and band[3] > band[1]:
            canvas.paste((0, 0, 0), (left + band[0], top + band[1]), shadow.crop(band))


def _demo_badge(canvas: Image.Image) -> None:
    """A dark, half-transparent pill reading DEMO, inset from the top-left corner."""
    height = max(12, round(min(canvas.size) * BADGE_HEIGHT))
    badge = _badge(height)
    margin = max(4, height // 2)
    canvas.paste(badge, (margin, margin), badge)


@lru_cache(maxsize=8)
def _badge(height: int) -> Image.Image:
    scale = SUPERSAMPLE
    font = _font(round(height * 0.5 * scale))
    text_width = round(font.getlength(DEMO_TEXT))
    big_height = height * scale
    big_width = text_width + big_height  # half a pill height of space on either side
    big = Image.new("RGBA", (big_width, big_height), (0, 0, 0, 0))
    draw = ImageDraw.Draw(big)
    draw.rounded_rectangle((0, 0, big_width - 1, big_height - 1), radius=big_height // 2,
                           fill=(20, 20, 20, 150))
    draw.text((big_width / 2, big_height / 2), DEMO_TEXT, font=font, anchor="mm",
              fill=(255, 255, 255, 240))
    return big.reduce(scale)


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)  # Pillow's bundled scalable font
    except (ImportError, OSError):  # Pillow built without FreeType: the small bitmap font
        return ImageFont.load_default()


def _png(image: Image.Image) -> bytes:
    """An 8-bit RGB PNG with no row filters, deflated at level 1.

    Pillow's PNG encoder tries every row filter on every row, which is most of its ~30 ms on a
    1024 px frame and buys little on a flat backdrop; this writes the same picture in about half
    the time, and it decodes faster too.
    """
    width, height = image.size
    stride = width * 3
    pixels = memoryview(image.tobytes())
    rows = b"".join(b"\0" + pixels[y * stride:(y + 1) * stride] for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)  # 8-bit RGB, no interlace
    return b"".join((b"\x89PNG\r\n\x1a\n", _chunk(b"IHDR", header),
                     _chunk(b"IDAT", zlib.compress(rows, 1)), _chunk(b"IEND", b"")))


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
