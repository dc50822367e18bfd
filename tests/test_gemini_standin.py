"""The stand-in answers like Google where the app's tests rely on it: the paginated model list,
modelStatus, imageSize per model (real PNGs of the right size, the tokens Google bills)."""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from PIL import Image

from app.services.errors import AccountProblemError, AccountProblemKind
from app.services.gemini_answers import parse_answer, parse_model_status
from app.services.gemini_errors import classify_error
from tests import gemini_standin as g
from tests.gemini_standin import API_KEY, GeminiStandIn

STATUS = {"modelStage": "DEPRECATED", "retirementTime": "2027-01-15T00:00:00Z",
          "message": "Retiring soon."}


@pytest.fixture
def server() -> Iterator[GeminiStandIn]:
    with GeminiStandIn(model_status={"gemini-2.5-flash-image": STATUS}) as running:
        yield running


@pytest.fixture
def http(server: GeminiStandIn) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url + "/", headers={"x-goog-api-key": API_KEY},
                      timeout=20) as client:
        yield client


def list_everything(http: httpx.Client, page_size: int | None = None) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = []
    token = None
    for _ in range(50):
        params: dict[str, Any] = {} if page_size is None else {"pageSize": page_size}
        if token:
            params["pageToken"] = token
        response = http.get("models", params=params)
        assert response.status_code == 200
        page = response.json()
        entries += page["models"]
        token = page.get("nextPageToken")
        if token is None:
            return entries
    raise AssertionError("the list never ended")


def generate(http: httpx.Client, model: str, image_config: dict[str, Any]) -> httpx.Response:
    body = {"contents": [{"role": "user", "parts": [
        {"inlineData": {"mimeType": "image/png", "data": base64.b64encode(g.make_png()).decode()}},
        {"text": "studio shot"}]}],
        "generationConfig": {"responseModalities": ["IMAGE"], "imageConfig": image_config}}
    return http.post(f"models/{model}:generateContent", json=body)


# The model list -----------------------------------------------------------------------------

def test_the_model_list_is_paginated_three_a_page_by_default(server, http):
    first = http.get("models").json()
    assert len(first["models"]) == 3 and first["nextPageToken"]
    entries = list_everything(http)
    ids = [e["name"].removeprefix("models/") for e in entries]
    assert ids == server.listed_models()
    assert set(g.MODELS) <= set(ids)
    assert len(ids) == len(g.MODELS) + len(g.OTHER_MODELS) == len(set(ids))
    # Other models come first, and image models are spread over several pages.
    assert ids[:2] == ["gemini-2.5-flash", "text-embedding-004"]
    pages_with_image_models = {ids.index(m) // 3 for m in g.MODELS}
    assert len(pages_with_image_models) > 1
    for entry in entries:
        assert set(entry) >= {"name", "displayName", "description",
                              "supportedGenerationMethods"}
    by_id = {e["name"].removeprefix("models/"): e for e in entries}
    assert by_id["text-embedding-004"]["supportedGenerationMethods"] == ["embedContent"]
    assert by_id["veo-3.0-generate-001"]["supportedGenerationMethods"] == ["predictLongRunning"]
    assert "generateContent" not in by_id["imagen-4.0-generate-001"]["supportedGenerationMethods"]
    assert "generateContent" in by_id["gemini-3-pro-image"]["supportedGenerationMethods"]


def test_pages_never_hold_more_than_the_servers_own_limit(server, http):
    first = http.get("models", params={"pageSize": 100}).json()
    assert len(first["models"]) == g.MAX_PAGE_SIZE and first["nextPageToken"]
    everything = [e["name"] for e in list_everything(http)]
    assert [e["name"] for e in list_everything(http, 100)] == everything
    assert [e["name"] for e in list_everything(http, 4)] == everything
    assert len(http.get("models", params={"pageSize": 4}).json()["models"]) == 4


def test_the_last_page_has_no_token_and_page_size_is_honoured():
    with GeminiStandIn(max_page_size=1000) as server, httpx.Client(
            base_url=server.url + "/", headers={"x-goog-api-key": API_KEY}) as http:
        whole = http.get("models", params={"pageSize": 100}).json()
        assert "nextPageToken" not in whole
        assert len(whole["models"]) == len(g.MODELS) + len(g.OTHER_MODELS)
        assert [e["name"] for e in whole["models"]] == [e["name"]
                                                        for e in list_everything(http)]


def test_the_model_list_checks_the_key_and_leaves_the_script_alone(server, http):
    server.enqueue(g.per_day())
    assert httpx.get(server.url + "/models").status_code == 403
    wrong = httpx.get(server.url + "/models", headers={"x-goog-api-key": "nope"})
    assert wrong.status_code == 400 and "API_KEY_INVALID" in wrong.text
    assert http.get("models", params={"pageToken": "garbage"}).status_code == 400
    assert http.get("models").status_code == 200
    assert generate(http, "gemini-2.5-flash-image", {}).status_code == 429  # still scripted
    recorded = [(r.method, r.path, r.query) for r in server.requests]
    assert recorded[0] == ("GET", "/v1beta/models", "")
    assert ("GET", "/v1beta/models", "pageToken=garbage") in recorded


def test_model_status_on_the_list_the_metadata_and_the_answers(server, http):
    by_id = {e["name"].removeprefix("models/"): e for e in list_everything(http)}
    assert by_id["gemini-2.5-flash-image"]["modelStatus"] == STATUS
    assert "modelStatus" not in by_id["gemini-3-pro-image"]
    metadata = http.get("models/gemini-2.5-flash-image").json()
    assert parse_model_status(metadata.get("modelStatus")).stage == "DEPRECATED"
    image = parse_answer(generate(http, "gemini-2.5-flash-image", {}).json())
    assert image.model_status is not None and image.model_status.message == "Retiring soon."
    assert parse_answer(generate(http, "gemini-3-pro-image", {}).json()).model_status is None


# imageSize, per model -----------------------------------------------------------------------

@pytest.mark.parametrize(("model", "size", "edge", "tokens", "thoughts"), [
    ("gemini-2.5-flash-image", None, 1024, 1290, 0),
    ("gemini-3-pro-image", None, 1024, 1120, 200),
    ("gemini-3-pro-image", "1K", 1024, 1120, 200),
    ("gemini-3-pro-image", "2K", 2048, 1120, 200),
    ("gemini-3-pro-image", "4K", 4096, 2000, 200),
    ("gemini-3.1-flash-image", "512", 512, 747, 200),
    ("gemini-3.1-flash-image", "2K", 2048, 1680, 200),
    ("gemini-3.1-flash-image", "4K", 4096, 2520, 200),
    ("gemini-3.1-flash-lite-image", "1K", 1024, 1120, 200),
    ("gemini-nano-banana-2.1", "2K", 2048, 1680, 200),
])
def test_each_supported_size_makes_a_real_image_billed_as_google_bills(
        http, model, size, edge, tokens, thoughts):
    response = generate(http, model, {"aspectRatio": "1:1"} | ({"imageSize": size}
                                                                if size else {}))
    assert response.status_code == 200, response.text
    image = parse_answer(response.json())
    with Image.open(io.BytesIO(image.data)) as picture:
        picture.load()
        assert picture.size == (edge, edge) and picture.format == "PNG"
    usage = image.usage
    assert (usage.image_tokens, usage.text_tokens, usage.thoughts_tokens) == (tokens, 0, thoughts)
    assert usage.output_tokens == tokens


@pytest.mark.parametrize(("model", "size"), [
    ("gemini-3-pro-image", "512"), ("gemini-3.1-flash-lite-image", "2K"),
    ("gemini-nano-banana-2.1", "512"), ("gemini-3.1-flash-image", "8K"),
])
def test_an_unsupported_size_is_refused_as_a_setting(http, model, size):
    response = generate(http, model, {"imageSize": size})
    assert response.status_code == 400
    assert response.json()["error"]["status"] == "INVALID_ARGUMENT"
    problem = classify_error(400, response.content, model)
    assert isinstance(problem, AccountProblemError)
    assert problem.kind is AccountProblemKind.BAD_SETTING


def test_image_size_on_2_5_flash_image_is_an_unknown_field(http):
    response = generate(http, "gemini-2.5-flash-image", {"imageSize": "1K"})
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["message"].startswith('Invalid JSON payload received. Unknown name "imageSize"')
    [detail] = error["details"]
    assert detail["@type"].endswith("google.rpc.BadRequest")
    assert detail["fieldViolations"][0]["field"] == "generation_config.image_config"
    problem = classify_error(400, response.content, "gemini-2.5-flash-image")
    assert problem.kind is AccountProblemKind.BAD_SETTING and "imageSize" in problem.message


def test_aspect_ratios_follow_the_model(http):
    assert generate(http, "gemini-3.1-flash-image", {"aspectRatio": "1:8"}).status_code == 200
    refused = generate(http, "gemini-2.5-flash-image", {"aspectRatio": "1:8"})
    assert refused.status_code == 400
    assert classify_error(400, refused.content, "m").kind is AccountProblemKind.BAD_SETTING


def test_text_tokens_can_be_billed_too():
    with GeminiStandIn(text_tokens=4) as server, httpx.Client(
            base_url=server.url + "/", headers={"x-goog-api-key": API_KEY}) as http:
        body = generate(http, "gemini-3.1-flash-image", {"imageSize": "1K"}).json()
    meta = body["usageMetadata"]
    assert meta["candidatesTokensDetails"] == [{"modality": "IMAGE", "tokenCount": 1120},
                                               {"modality": "TEXT", "tokenCount": 4}]
    assert meta["candidatesTokenCount"] == 1124
    assert meta["totalTokenCount"] == 298 + 1124 + 200
    usage = parse_answer(body).usage
    assert (usage.image_tokens, usage.text_tokens) == (1120, 4)


def test_the_default_image_is_png_and_cached():
    assert g.square_png() is g.PNG and g.square_png("1K") is g.PNG
    assert g.make_png(4096, 4096) is g.square_png("4K")
    with Image.open(io.BytesIO(g.make_png(40, 30))) as small:
        assert small.size == (40, 30)


def test_helpers_are_what_google_sends():
    assert g.free_tier(with_limit_zero=False).status == 429
    assert "limit: 0" in json.dumps(g.free_tier(with_limit_zero=True).body)
    assert "limit: 0" not in json.dumps(g.free_tier(with_limit_zero=False).body)
    [help_detail] = g.help_only_429().body["error"]["details"]
    assert help_detail["@type"].endswith("google.rpc.Help") and help_detail["links"]
    assert "finishReason" not in g.image_without_finish_reason().body["candidates"][0]
    assert g.with_model_status().body["modelStatus"] == g.DEPRECATED
