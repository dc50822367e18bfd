"""What ``export --fix`` repairs without asking the model again: local pixel arithmetic only.

- near-white background (within ``NEAR_WHITE`` of 255 on every channel, outside the product
  mask) becomes pure white 255,255,255;
- on a white background the product is re-centred and the frame padded or cropped so that it
  fills the preset's share (``target_fill``), square when the preset wants square;
- a scene (not a white background) that must be square is cropped to its centre square:
  bars around a scene would be the borders marketplaces forbid.

The product's own pixels are only ever moved, never changed (a scene cropped to square loses its
edges, not the product in its centre).
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageChops, ImageStat

from app.checks.masks import product_box
from app.checks.presets import Background, Preset

NEAR_WHITE = 12  # a channel this close to 255 (or closer) counts as white background
WHITE_BORDER_SHARE = 0.97  # border pixels that must be near-white for "a white background"
FILL_MARGIN = 0.03  # without a fill_max, aim this far above fill_min
CENTRE_TOLERANCE = 0.02  # off-centre by more than this share of the frame: re-centred
WHITE = (255, 255, 255)


@dataclass(frozen=True)
class Framed:
    image: Image.Image
    fixes: tuple[str, ...]


def target_fill(preset: Preset) -> float | None:
    """The share of the frame's long side the product should take: the middle of the preset's
    range, or a little above its minimum (a marketplace that measures a few pixels differently
    must still see enough)."""
    if preset.fill_min is None:
        return None
    if preset.fill_max is not None:
        return (preset.fill_min + preset.fill_max) / 2
    return min(preset.fill_min + FILL_MARGIN, 0.98)


def flatten_on_white(image: Image.Image) -> Image.Image:
    """RGB, with any transparency composed over white (never black, never jagged edges)."""
    if image.mode == "RGB":
        return image
    if image.mode not in ("RGBA", "LA"):
        return image.convert("RGB")
    canvas = Image.new("RGB", image.size, WHITE)
    canvas.paste(image.convert("RGBA"), (0, 0), image.getchannel("A"))
    return canvas


def _whiteness(image: Image.Image) -> Image.Image:
    """Per pixel, the darkest of its three channels (mode L): 255 only for pure white."""
    red, green, blue = image.split()
    return ImageChops.darker(red, ImageChops.darker(green, blue))


def has_white_background(image: Image.Image) -> bool:
    """Whether the frame's outermost pixels are (near) white: padding with white is seamless."""
    width, height = image.size
    edges = [_whiteness(image.crop(box)) for box in (
        (0, 0, width, 1), (0, height - 1, width, height), (0, 0, 1, height),
        (width - 1, 0, width, height))]
    total = sum(edge.width * edge.height for edge in edges)
    white = sum(sum(edge.histogram()[255 - NEAR_WHITE:]) for edge in edges)
    return white >= WHITE_BORDER_SHARE * total


_NEAR_WHITE_LUT = [0] * (255 - NEAR_WHITE) + [255] * (NEAR_WHITE + 1)
_ONLY_255 = [0] * 255 + [255]
_PRODUCT = [0] * 128 + [255] * 128


def snap_near_white(image: Image.Image, mask: Image.Image) -> tuple[Image.Image, bool]:
    """``image`` (RGB) with its background pixels within NEAR_WHITE of white on every channel
    set to pure white (``mask``: 255 = product, left alone); and whether any pixel changed."""
    # Every channel near white -> all three 255 -> grey exactly 255; anything else below it.
    near = image.point(_NEAR_WHITE_LUT * 3).convert("L").point(_ONLY_255)
    background = ImageChops.invert(mask.point(_PRODUCT))
    snap = ImageChops.darker(near, background)
    snapped = image.copy()
    snapped.paste(WHITE, (0, 0), snap)
    changed = ImageChops.difference(image, snapped).getbbox() is not None
    return (snapped, True) if changed else (image, False)


def frame_product(image: Image.Image, preset: Preset) -> Framed:
    """``image`` (RGB) re-centred and padded or cropped for ``preset``, and what was done.

    The product's box is found as the check finds it (``masks.product_box``), so a framed
    export is measured by the check exactly as it was framed."""
    white = preset.background is Background.PURE_WHITE or has_white_background(image)
    if not white:
        if preset.square and image.width != image.height:
            return Framed(_centre_square(image), ("cropped to square",))
        return Framed(image, ())
    # Padding in pure white (snapped afterwards anyway) for a white-background marketplace;
    # otherwise in the border's own colour, so that no seam shows.
    colour = WHITE if preset.background is Background.PURE_WHITE else _border_colour(image)
    box = product_box(image)
    if box is None:  # no product found: nothing to centre
        if preset.square and image.width != image.height:
            side = max(image.size)
            offset = ((side - image.width) // 2, (side - image.height) // 2)
            return _placed(image, (side, side), offset, ("padded to square",), colour)
        return Framed(image, ())
    size, offset, fixes = _layout(image.size, box, preset)
    if not fixes:
        return Framed(image, ())
    return _placed(image, size, offset, fixes, colour)


def _layout(frame: tuple[int, int], box: tuple[int, int, int, int], preset: Preset
            ) -> tuple[tuple[int, int], tuple[int, int], tuple[str, ...]]:
    """The new frame's size, where the old image goes in it, and what that repairs."""
    width, height = frame
    x0, y0, x1, y1 = box
    product_w, product_h = x1 - x0, y1 - y0
    fill = max(product_w, product_h) / max(width, height)
    target = target_fill(preset)
    fixes: list[str] = []
    if target is not None and not (preset.fill_min or 0) <= fill <= (preset.fill_max or 1.0):
        long_side = max(product_w, product_h) / target
        fixes.append(f"product fills {fill:.0%}, now {target:.0%}")
    else:
        long_side = max(width, height)
    if preset.square:
        new_w = new_h = round(long_side)
        if width != height:
            fixes.append("made square")
    elif width >= height:
        new_w, new_h = round(long_side), round(long_side * height / width)
    else:
        new_w, new_h = round(long_side * width / height), round(long_side)
    new_w, new_h = max(new_w, product_w), max(new_h, product_h)
    left = (new_w - product_w) // 2 - x0
    top = (new_h - product_h) // 2 - y0
    if not fixes:
        off_x = abs((x0 + x1) / 2 - width / 2) / width
        off_y = abs((y0 + y1) / 2 - height / 2) / height
        if max(off_x, off_y) <= CENTRE_TOLERANCE:
            return frame, (0, 0), ()
        fixes.append("centred")
    return (new_w, new_h), (left, top), tuple(fixes)


def _border_colour(image: Image.Image) -> tuple[int, int, int]:
    """The mean colour of the frame's outermost pixels."""
    width, height = image.size
    strips = [image.crop(box) for box in ((0, 0, width, 1), (0, height - 1, width, height),
                                          (0, 0, 1, height), (width - 1, 0, width, height))]
    total = [0, 0, 0]
    count = 0
    for strip in strips:
        for band, value in enumerate(ImageStat.Stat(strip).sum[:3]):
            total[band] += round(value)
        count += strip.width * strip.height
    red, green, blue = (round(value / count) for value in total)
    return red, green, blue


def _placed(image: Image.Image, size: tuple[int, int], offset: tuple[int, int],
            fixes: tuple[str, ...], colour: tuple[int, int, int]) -> Framed:
    canvas = Image.new("RGB", size, colour)
    canvas.paste(image, offset)
    return Framed(canvas, fixes)


def _centre_square(image: Image.Image) -> Image.Image:
    side = min(image.size)
    left, top = (image.width - side) // 2, (image.height - side) // 2
    return image.crop((left, top, left + side, top + side))
