"""What a request costs: from the answer's token counts at the model's rates (``image_models``).

Image tokens bill at the image rate; text and thinking tokens (``thoughtsTokenCount``, the TEXT
part of ``candidatesTokensDetails``) at the model's text rate; the photo and the instruction at
the input rate. An answer without an image can still bill tokens: that is money spent too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from app.services.image_models import DEFAULT_SIZE, find_model


class BilledTokens(Protocol):
    """The counts of one answer's usageMetadata (``gemini_answers.Usage``)."""

    @property
    def prompt_tokens(self) -> int: ...

    @property
    def image_tokens(self) -> int: ...

    @property
    def text_tokens(self) -> int: ...

    @property
    def thoughts_tokens(self) -> int: ...


@dataclass(frozen=True)
class CostEstimate:
    cost_usd: float
    known_model: bool  # False: the price of this model is unknown and cost_usd is 0
    from_tokens: bool  # False: no token counts in the answer, the list price per image was used


def price_per_image(model: str, size: str = DEFAULT_SIZE) -> float | None:
    """The list price of one image on this model at this size, or None when not known."""
    row = find_model(model)
    return row.price_per_image(size) if row else None


def estimate_batch_cost(model: str, images: int, size: str = DEFAULT_SIZE) -> float | None:
    per_image = price_per_image(model, size)
    return None if per_image is None else round(per_image * images, 4)


def cost_of_answer(model: str, tokens: BilledTokens, *, had_image: bool,
                   size: str = DEFAULT_SIZE) -> CostEstimate:
    """The cost of one answer. Without any token counts, an image costs its list price."""
    row = find_model(model)
    if row is None:
        return CostEstimate(0.0, known_model=False, from_tokens=False)
    output = tokens.image_tokens + tokens.text_tokens + tokens.thoughts_tokens
    if output == 0 and tokens.prompt_tokens == 0:
        list_price = row.price_per_image(size) or 0.0
        return CostEstimate(list_price if had_image else 0.0, known_model=True,
                            from_tokens=False)
    cost = (tokens.image_tokens * row.image_usd_per_million
            + (tokens.text_tokens + tokens.thoughts_tokens) * row.text_usd_per_million
            + tokens.prompt_tokens * row.input_usd_per_million) / 1_000_000
    return CostEstimate(round(cost, 8), known_model=True, from_tokens=True)


def price_summary(model: str) -> str | None:
    """Each size the model makes with its price per image: "1K $0.039 · 2K $0.101"."""
    row = find_model(model)
    if row is None:
        return None
    return " · ".join(f"{size} ${row.price_per_image(size) or 0:.3f}" for size in row.sizes)
