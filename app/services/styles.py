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


class UnknownStyleError(KeyError):
    def __init__(self, style_id: str) -> None:
        super().__init__(style_id)
        self.style_id = style_id

    def __str__(self) -> str:
        known = ", ".join(s.id for s in all_styles())
        return f"Unknown style {self.style_id!r}. Known styles: {known}."


@dataclass(frozen=True)
class Style:
    id: str
    name: str
    description: str
    aspect_ratio: str
    prompt: str
    backdrop: tuple[str, str]  # top and bottom colour of the mock mode's backdrop
    # True for a style whose result keeps the real product's own pixels (a cut-out placed on a
    # new backdrop) rather than a scene the model drew anew: its exports are labelled
    # compositeWithTrainedAlgorithmicMedia instead of trainedAlgorithmicMedia. Every current
    # style asks the model for a whole new picture, so it is false for all of them.
    keeps_product_pixels: bool = False

    @property
    def output_size(self) -> tuple[int, int]:
        return OUTPUT_SIZES[self.aspect_ratio]


@cache
def _load() -> dict[str, Style]:
    data = json.loads((resource_dir() / "styles.json").read_text(encoding="utf-8"))
    keep = data["keep_product"]
    styles = {}
    for item in data["styles"]:
        if item["aspect_ratio"] not in OUTPUT_SIZES:
            raise ValueError(f"style {item['id']}: unsupported aspect ratio {item['aspect_ratio']}")
        styles[item["id"]] = Style(
            id=item["id"], name=item["name"], description=item["description"],
            aspect_ratio=item["aspect_ratio"], prompt=f"{item['prompt']} {keep}",
            backdrop=(item["backdrop"][0], item["backdrop"][1]),
            keeps_product_pixels=_flag(item, "keeps_product_pixels"),
        )
    return styles


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
