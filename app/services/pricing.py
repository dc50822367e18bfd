"""What the image models cost, for the per-job cost shown to the user and batch estimates.

Standard (not batch) prices from shared/reference/gemini-rest.md. An image is billed as output
tokens (2.5 Flash Image: 1290 tokens at $30 per 1M = $0.0387); the input photo and the
instruction are billed as input tokens, which are cheap but real, so they are counted too.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ModelPrice:
    model: str
    per_image_usd: float  # one output image at the size the app asks for (1K on Gemini 3)
    output_usd_per_million: float  # image and thinking tokens
    input_usd_per_million: float  # the photo and the instruction


MODEL_PRICES: dict[str, ModelPrice] = {
    p.model: p
    for p in (
        ModelPrice("gemini-2.5-flash-image", 0.039, 30.0, 0.30),
        # Gemini 3: a 1K image is 1120 output tokens (3.1 Flash: $60 per 1M, 3 Pro: $120 per 1M).
        ModelPrice("gemini-3.1-flash-image", 0.067, 60.0, 0.50),
        ModelPrice("gemini-3-pro-image", 0.134, 120.0, 2.00),
    )
}


@dataclass(frozen=True)
class CostEstimate:
    cost_usd: float
    known_model: bool  # False: the price of this model is unknown and cost_usd is 0
    from_tokens: bool  # False: no token counts in the answer, the list price per image was used


def price_for(model: str) -> ModelPrice | None:
    """The price entry for a model id; a dated or suffixed variant ("...-preview") counts as its
    base model."""
    model = model.removeprefix("models/")
    if model in MODEL_PRICES:
        return MODEL_PRICES[model]
    matches = [p for name, p in MODEL_PRICES.items() if model.startswith(name + "-")]
    return max(matches, key=lambda p: len(p.model)) if matches else None


def price_per_image(model: str) -> float | None:
    """The list price of one image on this model, or None when the app does not know it."""
    price = price_for(model)
    return price.per_image_usd if price else None


def estimate_batch_cost(model: str, images: int) -> float | None:
    per_image = price_per_image(model)
    return None if per_image is None else round(per_image * images, 4)


def cost_from_usage(model: str, prompt_tokens: int | None, output_tokens: int | None,
                    thoughts_tokens: int | None = None) -> CostEstimate:
    """The cost of one answer from its usageMetadata counts (thinking tokens bill as output)."""
    price = price_for(model)
    if price is None:
        return CostEstimate(0.0, known_model=False, from_tokens=False)
    if not output_tokens:
        return CostEstimate(price.per_image_usd, known_model=True, from_tokens=False)
    billed_output = output_tokens + (thoughts_tokens or 0)
    cost = (billed_output * price.output_usd_per_million
            + (prompt_tokens or 0) * price.input_usd_per_million) / 1_000_000
    return CostEstimate(round(cost, 8), known_model=True, from_tokens=True)
