"""The local cut-out: which pixels of a photo are the product, worked out on this computer.

``model`` runs U²-Net-p (onnxruntime) for a rough 320 px mask, ``refine`` sharpens it against
the full-size photo with a guided filter, ``cut_out`` puts the two together. Free, offline, and
it never changes a pixel of the product: the result is only an alpha mask.
"""

from app.images.cutout.cut import CutOut, cut_out
from app.images.cutout.model import CutoutModelError

__all__ = ["CutOut", "CutoutModelError", "cut_out"]
