"""Each marketplace's rules for a product photo, as data: one entry per preset.

Sources and dates: shared/reference/shop-images.md (autumn 2026). Where two sources disagree the
stricter value is kept. A check reads these numbers; it never hard-codes a marketplace.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Background(StrEnum):
    PURE_WHITE = "pure_white"  # every border pixel exactly 255,255,255
    ANY = "any"


class AiPolicy(StrEnum):
    LABEL = "label"  # allowed; the IPTC DigitalSourceType label is written (and must be kept)
    REAL_ITEM = "real_item"  # the photo must show the real item: prefer edits that keep its pixels
    NONE = "none"  # the marketplace says nothing


@dataclass(frozen=True)
class Preset:
    id: str
    name: str
    background: Background
    fill_min: float | None  # the product's bounding box against the frame's longest side
    fill_max: float | None
    min_edge: int | None  # longest side at least (refused below)
    zoom_edge: int | None  # longest side for zoom (warned below)
    recommended_edge: int | None  # what an export aims for
    max_edge: int | None  # longest side at most
    square: bool  # 1:1 wanted (an export pads to square)
    formats: tuple[str, ...]  # Pillow format names accepted, the first is what an export writes
    srgb_only: bool
    alpha_allowed: bool
    max_bytes: int | None
    max_pixels: int | None
    naming: str  # export file name pattern: {name}, {style}, {asin}, {n}
    ai_policy: AiPolicy
    note: str = ""  # one plain sentence shown with the preset
    min_short_edge: int | None = None  # shortest side at least ("500 x 500" rules)


_MB = 1024 * 1024

PRESETS: tuple[Preset, ...] = (
    Preset("amazon", "Amazon main image", Background.PURE_WHITE, 0.85, None, 500, 1000, 2000,
           10000, False, ("JPEG", "PNG", "TIFF", "GIF"), True, False, 10 * _MB, None,
           "{name}.MAIN", AiPolicy.LABEL,
           "Pure white 255,255,255 behind a product that fills 85% of the frame; 1000 px or "
           "more for zoom. For bulk uploads name files ASIN.MAIN.jpg."),
    Preset("walmart", "Walmart", Background.PURE_WHITE, 0.85, None, 1500, 1500, 2200, None,
           True, ("JPEG", "PNG", "BMP"), True, False, 5 * _MB, None, "{name}_{style}",
           AiPolicy.LABEL,
           "Seamless white 255 background, product centred, square; 2200 px recommended, at "
           "most 5 MB.", min_short_edge=1500),
    # sRGB without alpha: shop-images.md lists "JPEG in sRGB without alpha" for eBay as for
    # Amazon's main image.
    Preset("ebay", "eBay", Background.ANY, None, None, 500, 1600, 1600, None, True,
           ("JPEG",), True, False, None, None, "{name}_{style}", AiPolicy.LABEL,
           "At least 500 px, about 1600 px square recommended; no borders, text or watermarks."),
    # Etsy gives no hard minimum, only about 2000 px on the shortest side as advice.
    Preset("etsy", "Etsy", Background.ANY, None, None, None, 2000, 2000, None, False,
           ("JPEG", "PNG"), False, True, None, None, "{name}_{style}", AiPolicy.REAL_ITEM,
           "Etsy wants photos of the real item: an edit that keeps your product's own pixels "
           "is safer than a fully generated scene."),
    Preset("shopify", "Shopify", Background.ANY, None, None, None, 2048, 2048, 4472, True,
           ("JPEG", "PNG"), False, True, 20 * _MB, 20_000_000, "{name}_{style}",
           AiPolicy.LABEL, "2048 x 2048 square displays best; at most 4472 px and 20 MP."),
    Preset("google", "Google Merchant Center", Background.ANY, 0.75, 0.90, 500, 1500, 1500,
           None, False, ("JPEG", "PNG", "WEBP", "GIF", "BMP", "TIFF"), False, True, 16 * _MB,
           64_000_000, "{name}_{style}", AiPolicy.LABEL,
           "At least 500 x 500 from 31 January 2027, 1500 px recommended; the product 75-90% "
           "of the frame; AI images must keep their IPTC label.", min_short_edge=500),
    Preset("original", "Original (no marketplace)", Background.ANY, None, None, None, None,
           None, None, False, ("PNG", "JPEG", "WEBP"), False, True, None, None,
           "{name}_{style}", AiPolicy.LABEL, "The result as made, with the AI label."),
)
_BY_ID = {preset.id: preset for preset in PRESETS}
DEFAULT_PRESET = "amazon"


class UnknownPresetError(ValueError):
    pass


def get_preset(preset_id: str) -> Preset:
    try:
        return _BY_ID[preset_id]
    except KeyError:
        names = ", ".join(_BY_ID)
        raise UnknownPresetError(
            f"There is no marketplace preset {preset_id!r}. Presets: {names}.") from None
