"""What each Gemini image model can do and what it costs: one table, one row per model id.

Google retires image models within months (shared/reference/gemini-rest.md), so the app asks the
service which models a key can use (``model_catalog``) and picks from this table. The rows marked
``automatic`` are the preference list of the "automatic" model setting, in order: the seed's
model first while Google still serves it. A retired row stays for the price of old jobs.

Prices are standard (interactive) list prices; batch mode costs half. An image is billed as
output tokens at the image rate; text and thinking tokens at the model's text rate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from app.core.config import AUTOMATIC_MODEL, IMAGE_SIZES

AUTOMATIC = AUTOMATIC_MODEL
SIZES = IMAGE_SIZES  # imageSize values, smallest first
DEFAULT_SIZE = "1K"
BATCH_DISCOUNT = 0.5

_TEN_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
_FOURTEEN_RATIOS = (*_TEN_RATIOS, "1:4", "4:1", "1:8", "8:1")


@dataclass(frozen=True)
class ImageModel:
    id: str
    name: str
    image_tokens: Mapping[str, int]  # the sizes it offers -> output tokens of one image
    aspect_ratios: tuple[str, ...]
    image_usd_per_million: float
    text_usd_per_million: float  # text and thinking output
    input_usd_per_million: float  # the photo and the instruction
    sends_size: bool = True  # False: the request must not carry imageSize (2.5 Flash Image)
    automatic: bool = True  # in the "automatic" preference list (in table order)
    retired: bool = False  # shut down by Google: answers 404
    note: str = field(default="", compare=False)

    @property
    def sizes(self) -> tuple[str, ...]:
        return tuple(size for size in SIZES if size in self.image_tokens)

    def offers(self, size: str) -> bool:
        return size in self.image_tokens

    def price_per_image(self, size: str = DEFAULT_SIZE, *, batch: bool = False) -> float | None:
        """The list price of one image at ``size``; None when the model does not offer it."""
        tokens = self.image_tokens.get(size)
        if tokens is None:
            return None
        price = tokens * self.image_usd_per_million / 1_000_000
        return price * BATCH_DISCOUNT if batch else price


IMAGE_MODELS: tuple[ImageModel, ...] = (
    ImageModel("gemini-2.5-flash-image", "Nano Banana", {"1K": 1290}, _TEN_RATIOS,
               30.0, 2.50, 0.30, sends_size=False,
               note="deprecated; shutdown announced (dates disputed)"),
    ImageModel("gemini-nano-banana-2.1", "Nano Banana 2.1",
               {"1K": 1120, "2K": 1680, "4K": 2520}, _FOURTEEN_RATIOS, 30.0, 1.50, 0.25,
               note="GA 2026-10-06; 512 answers 400; text rate assumed as 3.1 Flash's"),
    ImageModel("gemini-3.1-flash-image", "Nano Banana 2",
               {"512": 747, "1K": 1120, "2K": 1680, "4K": 2520}, _FOURTEEN_RATIOS,
               60.0, 1.50, 0.25, note="GA 2026-05-28"),
    ImageModel("gemini-3.1-flash-lite-image", "Nano Banana 2 Lite", {"1K": 1120}, _TEN_RATIOS,
               30.0, 1.50, 0.25, note="GA 2026-06-30; text rate assumed as 3.1 Flash's"),
    ImageModel("gemini-3-pro-image", "Nano Banana Pro", {"1K": 1120, "2K": 1120, "4K": 2000},
               _TEN_RATIOS, 120.0, 12.0, 2.00, note="GA 2026-05-28"),
    # Shut down: kept so the cost of jobs made with them still reads right.
    ImageModel("gemini-2.5-flash-image-preview", "Nano Banana (preview)", {"1K": 1290},
               _TEN_RATIOS, 30.0, 2.50, 0.30, sends_size=False, automatic=False, retired=True),
    ImageModel("gemini-3-pro-image-preview", "Nano Banana Pro (preview)",
               {"1K": 1120, "2K": 1120, "4K": 2000}, _TEN_RATIOS, 120.0, 12.0, 2.00,
               automatic=False, retired=True),
    ImageModel("gemini-3.1-flash-image-preview", "Nano Banana 2 (preview)",
               {"512": 747, "1K": 1120, "2K": 1680, "4K": 2520}, _FOURTEEN_RATIOS,
               60.0, 1.50, 0.25, automatic=False, retired=True),
)
_BY_ID = {model.id: model for model in IMAGE_MODELS}


def find_model(model_id: str) -> ImageModel | None:
    """The row for a model id ("models/" prefix allowed); a dated or suffixed variant
    ("gemini-3-pro-image-001") counts as its base model."""
    model_id = model_id.removeprefix("models/")
    if model_id in _BY_ID:
        return _BY_ID[model_id]
    matches = [m for m in IMAGE_MODELS if model_id.startswith(m.id + "-")]
    return max(matches, key=lambda m: len(m.id)) if matches else None


def preference() -> tuple[ImageModel, ...]:
    """The models "automatic" may choose, best first."""
    return tuple(model for model in IMAGE_MODELS if model.automatic and not model.retired)


def is_image_model(model_id: str) -> bool:
    """Image models have "image" (or "nano-banana") in their id; the list also holds text,
    embedding, audio and video models."""
    model_id = model_id.removeprefix("models/").lower()
    return "image" in model_id or "nano-banana" in model_id
