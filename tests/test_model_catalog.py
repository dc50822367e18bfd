"""Choosing the model: "automatic" follows the table's preference among the models served, a
model the user named is never swapped, sizes are checked, and the served list is cached a day."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.services.errors import AccountProblemError, AccountProblemKind
from app.services.gemini_answers import parse_model_status
from app.services.image_models import IMAGE_MODELS, find_model, is_image_model, preference
from app.services.model_catalog import (
    ModelCatalog,
    ServedModel,
    SizeNotOfferedError,
    choose_model,
    parse_models_page,
    retirement_warning,
)


def served(*ids: str) -> list[ServedModel]:
    return [ServedModel(i, i) for i in ids]


def test_the_table_covers_the_reference_models_and_keeps_the_seed_first() -> None:
    ids = {m.id for m in IMAGE_MODELS}
    assert {"gemini-2.5-flash-image", "gemini-2.5-flash-image-preview",
            "gemini-3-pro-image-preview", "gemini-3.1-flash-image-preview", "gemini-3-pro-image",
            "gemini-3.1-flash-image", "gemini-3.1-flash-lite-image",
            "gemini-nano-banana-2.1"} <= ids
    assert preference()[0].id == "gemini-2.5-flash-image"
    assert not any(m.retired for m in preference())
    assert find_model("models/gemini-3-pro-image-001") is find_model("gemini-3-pro-image")
    assert find_model("gemini-2.5-flash-image").sizes == ("1K",)  # type: ignore[union-attr]
    assert find_model("gemini-3.1-flash-image").sizes == ("512", "1K", "2K", "4K")  # type: ignore[union-attr]


def test_automatic_takes_the_first_preferred_model_served_that_makes_the_size() -> None:
    everything = served(*(m.id for m in IMAGE_MODELS))
    assert choose_model("automatic", "1K", everything).model == "gemini-2.5-flash-image"
    # 2.5 Flash Image makes 1K only: at 2K the next preferred model is chosen.
    two_k = choose_model("automatic", "2K", everything)
    assert (two_k.model, two_k.automatic) == ("gemini-nano-banana-2.1", True)
    assert choose_model("automatic", "512", everything).model == "gemini-3.1-flash-image"
    assert choose_model("automatic", "1K", served("gemini-3-pro-image")).model == (
        "gemini-3-pro-image")


def test_automatic_with_no_known_model_served_pauses_and_names_what_is_served() -> None:
    with pytest.raises(AccountProblemError) as problem:
        choose_model("automatic", "1K", served("gemini-9-image"))
    assert problem.value.kind is AccountProblemKind.MODEL_UNAVAILABLE
    assert "gemini-9-image" in problem.value.message


def test_a_named_model_is_never_swapped() -> None:
    with pytest.raises(AccountProblemError) as problem:
        choose_model("gemini-2.5-flash-image", "1K", served("gemini-3.1-flash-image"))
    assert problem.value.kind is AccountProblemKind.MODEL_UNAVAILABLE
    assert "gemini-2.5-flash-image" in problem.value.message
    assert "gemini-3.1-flash-image" in problem.value.message
    choice = choose_model("gemini-3-pro-image", "4K", served("gemini-3-pro-image"))
    assert (choice.model, choice.size, choice.automatic) == ("gemini-3-pro-image", "4K", False)


def test_a_size_the_model_does_not_make_is_a_usage_error() -> None:
    with pytest.raises(SizeNotOfferedError, match="offers 1K, 2K, 4K"):
        choose_model("gemini-nano-banana-2.1", "512", served("gemini-nano-banana-2.1"))
    with pytest.raises(SizeNotOfferedError, match="No image model"):
        choose_model("automatic", "4K", served("gemini-2.5-flash-image"))


def test_a_page_of_the_model_list_keeps_the_image_models_that_generate() -> None:
    page = {"models": [
        {"name": "models/gemini-2.5-flash", "supportedGenerationMethods": ["generateContent"]},
        {"name": "models/text-embedding-004", "supportedGenerationMethods": ["embedContent"]},
        {"name": "models/imagen-4.0-generate-001", "supportedGenerationMethods": ["predict"]},
        {"name": "models/gemini-3.1-flash-image", "displayName": "Nano Banana 2",
         "supportedGenerationMethods": ["generateContent", "countTokens"],
         "modelStatus": {"modelStage": "DEPRECATED", "retirementTime": "2027-03-01T00:00:00Z"}},
        "junk", {"name": 7},
    ], "nextPageToken": "abc"}
    models, token = parse_models_page(page)
    assert [m.id for m in models] == ["gemini-3.1-flash-image"] and token == "abc"
    assert retirement_warning(models[0].id, models[0].status) == (
        "gemini-3.1-flash-image will be retired on 1 March 2027; choose another model in "
        "Settings.")
    assert parse_models_page({"models": []}) == ([], None)
    assert is_image_model("gemini-nano-banana-2.1") and not is_image_model("gemini-2.5-flash")


def test_the_served_list_is_cached_for_a_day(tmp_path: Path) -> None:
    now = [1000.0]
    catalog = ModelCatalog(tmp_path / "models.json", clock=lambda: now[0])
    asked: list[int] = []

    def fetch() -> list[ServedModel]:
        asked.append(1)
        return [ServedModel("gemini-3-pro-image", "Nano Banana Pro", parse_model_status(
            {"modelStage": "DEPRECATED", "retirementTime": "2027-01-15T00:00:00Z"}))]

    url = "http://127.0.0.1:1/v1beta"
    first = catalog.served(url, fetch)
    assert catalog.served(url, fetch) == first and len(asked) == 1
    again = ModelCatalog(tmp_path / "models.json", clock=lambda: now[0])  # a new start
    assert again.served(url, fetch) == first and len(asked) == 1
    assert again.served("http://127.0.0.1:2/v1beta", fetch) and len(asked) == 2  # other URL
    now[0] += 24 * 3600 + 1
    catalog.served(url, fetch)
    assert len(asked) == 3
    catalog.invalidate()
    assert catalog.cached(url) is None
