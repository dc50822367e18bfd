"""Telling the product from its background, with Pillow's C paths only (no numpy).

The background is whatever the border of the picture mostly is: its colour is the per-channel
median of a frame of border pixels, and a pixel belongs to the product when one of its channels
is further from that colour than the border's own noise (at least ``MIN_THRESHOLD`` levels).
When most of the border is transparent, the alpha channel alone says where the product is.

``background_mask`` is the full-resolution answer. ``product_box`` finds the product's bounding
box faster and more robustly: it looks at a box-averaged copy (a 2048 px image at 512 px), where
an isolated speck of dust or sensor noise averages away while a product, even a one-pixel line
of strong contrast, stays; then it places each edge exactly on the full-resolution pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageChops

BORDER_SHARE = 0.02  # the frame judged as "the border": 2% of each edge...
MIN_BORDER = 2  # ...and never thinner than 2 px
MIN_THRESHOLD = 24  # a pixel this close to the background colour (per channel) is background
MAX_THRESHOLD = 96  # a noisy border never hides a product of clear contrast
NOISE_MARGIN = 16  # above the border's own 95th-percentile spread
ALPHA_VISIBLE = 128  # alpha from which a pixel counts as there (product, or opaque border)
COARSE_EDGE = 512  # product_box looks at a copy about this long first


@dataclass(frozen=True)
class Backdrop:
    """What the border says about the background."""

    colour: tuple[int, int, int]  # per-channel median of the border pixels
    transparent: bool  # most of the border is see-through: alpha decides
    threshold: int  # channel distance from ``colour`` above which a pixel is product
    busy: bool  # the border varies too much for one colour to describe it: a scene, not a
    # backdrop, so where the product ends is a guess
    lowest_level: int  # the lowest value of any channel (alpha too) among the border pixels
    transparent_share: float  # of the border pixels, those more than half see-through


def as_rgb(image: Image.Image) -> Image.Image:
    """``image`` as RGB, or RGBA when it has an alpha channel or a transparent colour: the two
    modes every measurement here works on. CMYK is converted with Pillow's plain formula."""
    mode = image.mode
    keyed = "transparency" in image.info  # a palette or colour-key transparency (tRNS)
    if mode == "RGBA" or (mode == "RGB" and not keyed):
        return image
    if mode.startswith("I") or mode == "F":  # 16-bit and float greyscale: scaled, not clipped
        if mode.startswith("I;16"):
            scale = 1 / 256
        else:
            top = image.getextrema()[1]
            scale = 255.0 / max(float(top), 255.0)  # type: ignore[arg-type]
        return image.point(lambda value: value * scale).convert("L").convert("RGB")
    if mode in ("PA", "LA", "La", "RGBa") or keyed:
        return image.convert("RGBA")
    return image.convert("RGB")  # P, L, 1, CMYK, YCbCr, LAB, HSV


def border_widths(size: tuple[int, int]) -> tuple[int, int]:
    """The frame's thickness: (left and right strips' width, top and bottom strips' height)."""
    width, height = size
    return (max(MIN_BORDER, round(width * BORDER_SHARE)),
            max(MIN_BORDER, round(height * BORDER_SHARE)))


def border_strips(image: Image.Image) -> list[Image.Image]:
    """The frame of border pixels as four non-overlapping strips (the whole image when it is
    too small to have a middle)."""
    width, height = image.size
    across, down = border_widths(image.size)
    if 2 * across >= width or 2 * down >= height:
        return [image]
    return [image.crop(box) for box in (
        (0, 0, width, down), (0, height - down, width, height),
        (0, down, across, height - down), (width - across, down, width, height - down))]


def _histogram_median(counts: Sequence[int]) -> int:
    half, seen = (sum(counts) + 1) // 2, 0
    for value, count in enumerate(counts):
        seen += count
        if seen >= half:
            return value
    return 255


def _histogram_percentile(counts: Sequence[int], share: float) -> int:
    wanted, seen = share * sum(counts), 0
    for value, count in enumerate(counts):
        seen += count
        if seen >= wanted:
            return value
    return 255


def estimate_backdrop(image: Image.Image, strips: Sequence[Image.Image] | None = None
                      ) -> Backdrop:
    """The background as the border shows it; ``image`` is RGB or RGBA (see ``as_rgb``)."""
    strips = border_strips(image) if strips is None else strips
    summed = [sum(counts) for counts in zip(*(strip.histogram() for strip in strips),
                                            strict=True)]
    channels = [summed[start:start + 256] for start in range(0, len(summed), 256)]
    colour = (_histogram_median(channels[0]), _histogram_median(channels[1]),
              _histogram_median(channels[2]))
    lowest = min(next((value for value, count in enumerate(counts) if count), 255)
                 for counts in channels)
    total = sum(channels[0])
    see_through = sum(channels[3][:ALPHA_VISIBLE]) if len(channels) == 4 else 0
    share = see_through / total if total else 0.0
    if see_through * 2 > total:
        return Backdrop(colour, True, MIN_THRESHOLD, False, lowest, share)
    apart = [sum(counts) for counts in zip(*(
        ImageChops.difference(rgb, Image.new("RGB", rgb.size, colour)).histogram()
        for rgb in (strip.convert("RGB") if strip.mode != "RGB" else strip
                    for strip in strips)), strict=True)]
    spread = max(_histogram_percentile(apart[start:start + 256], 0.95)
                 for start in (0, 256, 512))
    threshold = min(MAX_THRESHOLD, max(MIN_THRESHOLD, spread + NOISE_MARGIN))
    return Backdrop(colour, False, threshold, spread + NOISE_MARGIN > MAX_THRESHOLD, lowest,
                    share)


def product_mask(image: Image.Image, backdrop: Backdrop) -> Image.Image:
    """Mode "L" mask of ``image`` (RGB or RGBA): 255 where a pixel differs from the backdrop by
    more than its threshold in some channel (and is not see-through), 0 elsewhere."""
    if image.mode == "RGBA":
        visible = image.getchannel("A").point([0] * ALPHA_VISIBLE + [255] * (256 - ALPHA_VISIBLE))
        if backdrop.transparent:
            return visible
    far = [0] * (backdrop.threshold + 1) + [255] * (255 - backdrop.threshold)
    if image.mode == "RGBA":
        difference = ImageChops.difference(image, Image.new("RGBA", image.size,
                                                            (*backdrop.colour, 255)))
        # RGBA to L ignores alpha: any channel beyond the threshold leaves a non-zero grey.
        mask = difference.point(far * 3 + [0] * 256).convert("L")
        mask = ImageChops.darker(mask, visible)
    else:
        difference = ImageChops.difference(image, Image.new("RGB", image.size, backdrop.colour))
        mask = difference.point(far * 3).convert("L")
    return mask.point([0] + [255] * 255)


def background_mask(image: Image.Image) -> Image.Image:
    """Mode "L", the size of ``image``: 255 where the product is, 0 where the background is.

    The background colour is estimated from a frame of border pixels (2% of each edge, at least
    2 px); a pixel is product when a channel differs from it by more than the border's own
    noise. For a picture whose border is mostly transparent, alpha decides alone.
    """
    rgb = as_rgb(image)
    return product_mask(rgb, estimate_backdrop(rgb))


def product_box(image: Image.Image, backdrop: Backdrop | None = None
                ) -> tuple[int, int, int, int] | None:
    """The product's bounding box (left, top, right, bottom; right and bottom exclusive) in
    ``image`` (RGB or RGBA), or None when nothing stands out from the background.

    Found on a box-averaged copy (isolated specks average away), then each edge is placed on
    the full-resolution pixels within one averaging block of where the copy put it.
    """
    backdrop = estimate_backdrop(image) if backdrop is None else backdrop
    factor = max(1, max(image.size) // COARSE_EDGE)
    small = image.reduce(factor) if factor > 1 else image
    coarse = product_mask(small, backdrop).getbbox()
    if coarse is None:
        return None
    if factor == 1:
        return coarse
    width, height = image.size
    left, top = coarse[0] * factor, coarse[1] * factor
    right, bottom = min(width, coarse[2] * factor), min(height, coarse[3] * factor)
    # The outer block rows and columns may hold product pixels the average played down, or
    # none at all: look at one block either side of each edge, at full resolution.
    outer = (max(0, left - factor), max(0, top - factor), min(width, right + factor),
             min(height, bottom + factor))
    edges = {
        "left": (outer[0], outer[1], min(outer[2], left + factor), outer[3]),
        "top": (outer[0], outer[1], outer[2], min(outer[3], top + factor)),
        "right": (max(outer[0], right - factor), outer[1], outer[2], outer[3]),
        "bottom": (outer[0], max(outer[1], bottom - factor), outer[2], outer[3]),
    }
    found = {}
    for name, box in edges.items():
        found[name] = product_mask(image.crop(box), backdrop).getbbox()
    left = found["left"][0] + edges["left"][0] if found["left"] else left
    top = found["top"][1] + edges["top"][1] if found["top"] else top
    right = found["right"][2] + edges["right"][0] if found["right"] else right
    bottom = found["bottom"][3] + edges["bottom"][1] if found["bottom"] else bottom
    return left, top, right, bottom
