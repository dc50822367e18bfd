"""Placing a cut-out product on its new background: white, white with a contact shadow, a
colour, or nothing (transparent). The product's pixels are pasted, never repainted: where the
mask is fully opaque the result holds the photo's own values.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from PIL import Image, ImageFilter

from app.images.cutout.cut import CutOut

MAX_EDGE = 4096  # a square result never exceeds this (Amazon zooms from 1000, takes 10,000)
SHADOW_OPACITY = 0.32
SHADOW_DEPTH = 0.07  # the shadow's height, as a share of the product's width
SHADOW_SCALE = 4  # blurred at a quarter of its size: the same look for a fraction of the cost


class NoProductError(ValueError):
    """The mask is empty: nothing in the photo stood out as a product."""


@dataclass(frozen=True)
class Placement:
    """How a product sits on a square background (the style's data)."""

    background: tuple[int, int, int]
    fill: float  # the product's longest side, as a share of the frame's side
    shadow: bool = False


def product_box(cut: CutOut) -> tuple[int, int, int, int]:
    box = cut.box
    if box is None:
        raise NoProductError("no product in the mask")
    return box


def on_background(cut: CutOut, placement: Placement) -> Image.Image:
    """A square RGB picture: the product centred, ``placement.fill`` of the frame."""
    left, top, right, bottom = product_box(cut)
    photo, mask = cut.photo.crop((left, top, right, bottom)), cut.mask.crop((left, top, right,
                                                                             bottom))
    # Rounded down: the product never fills less than asked (Amazon's 85% is a minimum).
    side = max(max(photo.size), math.floor(max(photo.size) / placement.fill))
    if side > MAX_EDGE:
        scale = MAX_EDGE / side
        size = (max(1, round(photo.width * scale)), max(1, round(photo.height * scale)))
        photo = photo.resize(size, Image.Resampling.LANCZOS)
        mask = mask.resize(size, Image.Resampling.LANCZOS)
        side = MAX_EDGE
    canvas = Image.new("RGB", (side, side), placement.background)
    position = ((side - photo.width) // 2, (side - photo.height) // 2)
    if placement.shadow:
        contact_shadow(canvas, mask, position)
    canvas.paste(photo, position, mask)
    return canvas


def transparent(cut: CutOut) -> Image.Image:
    """The photo at its own size and orientation, with the mask as straight (unmultiplied)
    alpha: the colour channels are the photo's, untouched even where alpha is 0."""
    product_box(cut)
    picture = cut.photo.copy()
    picture.putalpha(cut.mask)
    return picture


def contact_shadow(canvas: Image.Image, mask: Image.Image, position: tuple[int, int], *,
                   depth_share: float = SHADOW_DEPTH, opacity: float = SHADOW_OPACITY) -> None:
    """A soft shadow where the product (``mask`` pasted at ``position``) meets the floor: its
    silhouette squashed to ``depth_share`` of its width, blurred, centred under its bottom
    edge. Made small and stretched: blurring full size is slow."""
    width = mask.width
    depth = max(2, round(width * depth_share))
    small = (max(1, width // SHADOW_SCALE), max(1, depth // SHADOW_SCALE))
    blur = max(1.0, small[1] * 0.6)
    pad = math.ceil(blur * 2)
    flat = Image.new("L", (small[0] + 2 * pad, small[1] + 2 * pad), 0)
    flat.paste(mask.resize(small, Image.Resampling.BILINEAR), (pad, pad))
    flat = flat.filter(ImageFilter.GaussianBlur(blur))
    flat = flat.point([round(value * opacity) for value in range(256)])
    scale = width / small[0]
    size = (round(flat.width * scale), round(flat.height * scale))
    shadow = flat.resize(size, Image.Resampling.BILINEAR)
    left = position[0] + (width - size[0]) // 2
    top = position[1] + mask.height - size[1] // 2
    canvas.paste((0, 0, 0), (left, top), shadow)
