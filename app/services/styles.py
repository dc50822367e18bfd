"""The built-in styles: what each asks the model for, and the size of picture it yields."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache

from app.core.paths import resource_dir

# Gemini 2.5 Flash Image's output size for each aspect ratio (all 1290 output tokens).
OUTPUT_SIZES: dict[str, tuple[int, int]] = {
    "1:1": (1024, 1024), "2:3": (832, 1248), "3:2": (1248, 832), "3:4": (864, 1184),
    "4:3": (1184, 864), "4:5": (896, 1152), "5:4": (1152, 896), "9:16": (768, 1344),
    "16:9": (1344, 768), "21:9": (1536, 672),
}


# A cut-out style's result keeps the photo's own size and shape (the transparent PNG).
PHOTO_ASPECT = "photo"
CHOSEN = "chosen"  # a cut-out background: the colour the user picked (Settings, --colour)
NO_BACKGROUND = "none"  # a cut-out background: transparent


class UnknownStyleError(KeyError):
    def __init__(self, style_id: str) -> None:
        super().__init__(style_id)
        self.style_id = style_id

    def __str__(self) -> str:
        known = ", ".join(s.id for s in all_styles())
        return f"Unknown style {self.style_id!r}. Known styles: {known}."


@dataclass(frozen=True)
class CutoutFinish:
    """How a cut-out style places the product: made on this computer, no model asked."""

    background: str  # "#rrggbb", CHOSEN or NO_BACKGROUND
    fill: float  # the product's longest side as a share of the square frame
    shadow: bool = False

    @property
    def transparent(self) -> bool:
        return self.background == NO_BACKGROUND


@dataclass(frozen=True)
class Style:
    id: str
    name: str
    description: str
    aspect_ratio: str
    prompt: str
    backdrop: tuple[str, str]  # top and bottom colour of the mock mode's backdrop
    # True for a style whose result keeps the real product's own pixels (a cut-out placed on a
    # new backdrop) rather than a scene the model drew anew: its results are labelled
    # compositeWithTrainedAlgorithmicMedia instead of trainedAlgorithmicMedia.
    keeps_product_pixels: bool = False
    # Set for the styles made on this computer by the local cut-out: free, offline, nothing sent.
    cutout: CutoutFinish | None = None

    @property
    def is_local(self) -> bool:
        return self.cutout is not None

    @property
    def output_size(self) -> tuple[int, int]:
        """The size the image model (or the demo) makes; a cut-out follows the photo instead."""
        if self.aspect_ratio == PHOTO_ASPECT:
            raise ValueError(f"style {self.id} keeps the photo's own size")
        return OUTPUT_SIZES[self.aspect_ratio]


@cache
def _load() -> dict[str, Style]:
    data = json.loads((resource_dir() / "styles.json").read_text(encoding="utf-8"))
    keep = data["keep_product"]
    styles = {}
    for item in data["styles"]:
        cutout = _cutout(item)
        ratio = item["aspect_ratio"]
        if ratio not in OUTPUT_SIZES and not (cutout and ratio == PHOTO_ASPECT):
            raise ValueError(f"style {item['id']}: unsupported aspect ratio {ratio}")
        styles[item["id"]] = Style(
            id=item["id"], name=item["name"], description=item["description"],
            aspect_ratio=ratio, prompt=f"{item['prompt']} {keep}" if item["prompt"] else "",
            backdrop=(item["backdrop"][0], item["backdrop"][1]),
            keeps_product_pixels=_flag(item, "keeps_product_pixels"),
            cutout=cutout,
        )
    return styles


def _cutout(item: dict[str, object]) -> CutoutFinish | None:
    raw = item.get("cutout")
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise ValueError(f"style {item.get('id')}: cutout must be an object")
    background = str(raw["background"])
    if background not in (CHOSEN, NO_BACKGROUND) and parse_colour(background) is None:
        raise ValueError(f"style {item.get('id')}: cutout background {background!r}")
    fill = float(raw.get("fill", 0.85))
    if not 0.1 <= fill <= 1.0:
        raise ValueError(f"style {item.get('id')}: cutout fill {fill} is not in 0.1..1")
    return CutoutFinish(background=background, fill=fill, shadow=bool(raw.get("shadow", False)))


def parse_colour(text: str) -> tuple[int, int, int] | None:
    """``#rrggbb`` (or ``rrggbb``) as an RGB triple; None for anything else."""
    value = text.strip().removeprefix("#")
    if len(value) != 6:
        return None
    try:
        number = int(value, 16)
    except ValueError:
        return None
    return (number >> 16) & 255, (number >> 8) & 255, number & 255


def _flag(item: dict[str, object], name: str) -> bool:
    """A true/false field of a style, false when absent; anything else is a broken file."""
    value = item.get(name, False)
    if not isinstance(value, bool):
        raise ValueError(f"style {item.get('id')}: {name} must be true or false, not {value!r}")
    return value


def all_styles() -> list[Style]:
    return list(_load().values())


def get_style(style_id: str) -> Style:
    try:
        return _load()[style_id]
    except KeyError:
        raise UnknownStyleError(style_id) from None


def is_local_style(style_id: str) -> bool:
    """True for a style made on this computer (free, offline); False also for an unknown id."""
    style = _load().get(style_id)
    return style is not None and style.is_local
