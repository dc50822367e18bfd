"""``cut_out``: a photo in, the product's mask out, at the photo's own size."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

from app.images.cutout.model import predict
from app.images.cutout.refine import DETAIL_EDGE, fit, refine, to_mask

# The least opacity a pixel needs to count as part of the product when framing it.
FRAME_THRESHOLD = 24


@dataclass(frozen=True)
class CutOut:
    """The photo (upright, sRGB, RGB) and its mask (mode L, same size, 255 is the product)."""

    photo: Image.Image
    mask: Image.Image

    @property
    def box(self) -> tuple[int, int, int, int] | None:
        """The product's bounding box in the photo; None when the mask is empty."""
        return self.mask.point(lambda value: 255 if value >= FRAME_THRESHOLD else 0).getbbox()

    def with_mask(self, mask: Image.Image) -> CutOut:
        if mask.size != self.photo.size:
            mask = mask.resize(self.photo.size, Image.Resampling.BILINEAR)
        return CutOut(self.photo, mask.convert("L"))


def cut_out(photo: Image.Image, *, refine_edges: bool = True) -> CutOut:
    """The product in ``photo``: U²-Net-p's mask, refined against the photo's own edges.

    Raises CutoutModelError when the model file is missing or damaged.
    """
    rgb = photo.convert("RGB") if photo.mode != "RGB" else photo
    # The model sees 320 px: squeezing a 1536 px copy is as good as the photo and far quicker.
    detail = fit(rgb, DETAIL_EDGE)
    coarse = predict(detail)
    if refine_edges:
        mask = refine(rgb, coarse, detail=detail)
    else:  # rembg's way, kept for the benchmark's comparison
        mask = to_mask(coarse).resize(rgb.size, Image.Resampling.LANCZOS)
    return CutOut(rgb, mask)
