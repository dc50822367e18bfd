"""Reading 200 answers: the billing split of usageMetadata, modelStatus, and the finish reasons
that are not about the photo (no network; bodies from the stand-in's helpers)."""

from __future__ import annotations

import base64
import copy
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest

from app.core.logging_setup import register_secret
from app.services.errors import AccountProblemError, AccountProblemKind, GenerationFailedError
from app.services.gemini_answers import (
    GeneratedImage,
    ModelStatus,
    NoImageError,
    Usage,
    parse_answer,
    parse_model_status,
    parse_usage,
)
from tests import gemini_standin as g


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


IMAGE_PART = {"inlineData": {"mimeType": "image/png", "data": b64(g.PNG)}}


def answer(reason: str | None = "STOP", parts: list[dict[str, Any]] | None = None,
           usage: dict[str, Any] | None = None, **top: Any) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model",
                                             "parts": [IMAGE_PART] if parts is None else parts}}
    if reason is not None:
        candidate["finishReason"] = reason
    body: dict[str, Any] = {"candidates": [candidate], **top}
    if usage is not None:
        body["usageMetadata"] = usage
    return body


# Usage: what each kind of token bills ---------------------------------------------------------

def test_the_output_is_split_by_modality():
    usage = parse_usage({"usageMetadata": g.usage_metadata(1120, text_tokens=4,
                                                            thoughts_tokens=180)})
    assert usage == Usage(prompt_tokens=298, output_tokens=1124, thoughts_tokens=180,
                          image_tokens=1120, text_tokens=4)


def test_a_split_with_image_only_has_no_text_tokens():
    usage = parse_answer(g.success(model="gemini-2.5-flash-image").body).usage
    assert (usage.output_tokens, usage.image_tokens, usage.text_tokens,
            usage.thoughts_tokens) == (1290, 1290, 0, 0)


def test_thinking_tokens_stay_apart_from_the_split():
    usage = parse_answer(g.success(model="gemini-3-pro-image", thoughts=True,
                                   text_tokens=4).body).usage
    assert (usage.image_tokens, usage.text_tokens, usage.thoughts_tokens) == (1120, 4, 200)


@pytest.mark.parametrize(("parts", "image", "text"), [
    ([IMAGE_PART], 1290, 0),  # no details: every output token is the image's
    ([{"text": "Here you go."}, IMAGE_PART], 1290, 0),
    ([{"text": "No."}], 0, 1290),  # no image: the tokens were text
    ([{**IMAGE_PART, "thought": True}, {"text": "No."}], 0, 1290),  # a draft is no image
])
def test_without_details_the_answer_decides_what_the_tokens_were(parts, image, text):
    body = answer("STOP", parts, {"promptTokenCount": 10, "candidatesTokenCount": 1290})
    usage = parse_usage(body)
    assert (usage.output_tokens, usage.image_tokens, usage.text_tokens) == (1290, image, text)


@pytest.mark.parametrize("meta", [
    None, "junk", [], {"promptTokenCount": -5, "candidatesTokenCount": "12",
                       "thoughtsTokenCount": True, "candidatesTokensDetails": "IMAGE"},
    {"candidatesTokensDetails": [None, {"modality": "AUDIO", "tokenCount": 3},
                                 {"modality": "IMAGE", "tokenCount": "many"}]},
])
def test_garbled_usage_counts_as_nothing(meta):
    body = answer()
    body["usageMetadata"] = meta
    assert parse_usage(body) == Usage(0, 0, 0, 0, 0)


def test_usage_keeps_its_three_field_constructor():
    usage = Usage(10, 1290, 5)
    assert (usage.image_tokens, usage.text_tokens) == (0, 0)


# No image: the tokens billed travel with the error --------------------------------------------

@pytest.mark.parametrize("body", [
    g.output_blocked("IMAGE_SAFETY").body,
    g.declined("No.").body,
    g.empty("STOP").body,
    g.prompt_blocked("SAFETY").body,
    g.malformed().body,
    g.finished("SOMETHING_NEW", [IMAGE_PART]).body,
])
def test_every_no_image_error_carries_the_usage_of_its_answer(body):
    body = copy.deepcopy(body)
    body["usageMetadata"] = {"promptTokenCount": 298, "candidatesTokenCount": 12,
                             "thoughtsTokenCount": 180,
                             "candidatesTokensDetails": [{"modality": "TEXT", "tokenCount": 12}]}
    with pytest.raises(NoImageError) as caught:
        parse_answer(body)
    assert caught.value.usage == Usage(298, 12, 180, 0, 12)


def test_a_no_image_error_without_usage_metadata_has_zero_usage():
    with pytest.raises(NoImageError) as caught:
        parse_answer({"candidates": [{"finishReason": "IMAGE_SAFETY"}]})
    assert caught.value.usage == Usage(0, 0, 0)


# Finish reasons that are not about the photo --------------------------------------------------

def test_pup_limited_is_an_account_problem_with_its_usage():
    with pytest.raises(AccountProblemError) as caught:
        parse_answer(g.pup_limited().body)
    error = caught.value
    assert error.kind is AccountProblemKind.ACCOUNT_RESTRICTED
    assert "Prohibited Use Policy" in error.message and "Retrying will not help" in error.message
    assert "PUP_LIMITED_DISABLED" in error.detail
    assert error.usage == Usage(298, 0, 0)
    assert not isinstance(error, GenerationFailedError)  # the photo is not at fault


def test_account_problem_usage_defaults_to_none():
    assert AccountProblemError(AccountProblemKind.BILLING, "x").usage is None


@pytest.mark.parametrize("parts", [[], None, [{"text": "oops"}], [IMAGE_PART]])
def test_malformed_response_is_tried_once_more(parts):
    with pytest.raises(NoImageError) as caught:
        parse_answer(answer("MALFORMED_RESPONSE", parts))
    assert (caught.value.kind, caught.value.retry_once) == ("malformed", True)
    assert "MALFORMED_RESPONSE" in caught.value.detail


def test_an_image_without_any_finish_reason_is_a_paid_image_kept():
    image = parse_answer(g.image_without_finish_reason().body)
    assert isinstance(image, GeneratedImage)
    assert (image.data, image.mime_type, image.finish_reason) == (g.PNG, "image/png", "")
    assert image.usage.image_tokens == 1290


def test_no_finish_reason_and_no_image_is_still_a_failure():
    with pytest.raises(NoImageError) as caught:
        parse_answer(answer(None, [{"text": "hm"}]))
    assert (caught.value.kind, caught.value.retry_once) == ("unexpected", False)


@pytest.mark.parametrize("reason", ["SOMETHING_NEW", "MAX_TOKENS", "LANGUAGE",
                                    "TOO_MANY_TOOL_CALLS", "UNEXPECTED_TOOL_CALL"])
def test_unknown_finish_reasons_fail_with_their_name_even_beside_an_image(reason):
    with pytest.raises(NoImageError) as caught:
        parse_answer(answer(reason, [IMAGE_PART], serviceTier="standard"))
    assert (caught.value.kind, caught.value.retry_once) == ("unexpected", False)
    assert f"finishReason {reason}" in caught.value.detail
    assert reason in caught.value.message


def test_finish_messages_are_redacted():
    key = "registered-key-in-a-finish-message"
    register_secret(key)
    body = g.output_blocked("SAFETY", f"blocked near {key}").body
    with pytest.raises(NoImageError) as caught:
        parse_answer(body)
    assert key not in caught.value.detail and key not in caught.value.message
    pup = g.finished("PUP_LIMITED_DISABLED", None, f"limited {key}").body
    with pytest.raises(AccountProblemError) as account:
        parse_answer(pup)
    assert key not in (account.value.detail or "")


# modelStatus ----------------------------------------------------------------------------------

def test_model_status_is_read_from_a_successful_answer():
    image = parse_answer(g.with_model_status().body)
    assert image.model_status == ModelStatus(
        "DEPRECATED", datetime(2027, 1, 15, tzinfo=UTC),
        "This model will be retired on 2027-01-15. Move to a newer image model.")
    assert parse_answer(g.success().body).model_status is None


@pytest.mark.parametrize(("value", "expected"), [
    ("2027-01-15T00:00:00Z", datetime(2027, 1, 15, tzinfo=UTC)),
    ("2027-01-15T00:00:00.123456789Z", datetime(2027, 1, 15, 0, 0, 0, 123456, tzinfo=UTC)),
    ("2027-01-15T02:00:00+02:00", datetime(2027, 1, 15, 2, tzinfo=timezone(timedelta(hours=2)))),
    ("2027-01-15", datetime(2027, 1, 15, tzinfo=UTC)),  # no offset: taken as UTC
    ("next spring", None), ("", None), (1768435200, None), (None, None),
])
def test_retirement_times(value, expected):
    status = parse_model_status({"modelStage": "DEPRECATED", "retirementTime": value})
    assert status is not None and status.retirement == expected
    if expected is not None:
        assert status.retirement.tzinfo is not None


@pytest.mark.parametrize("junk", [None, "DEPRECATED", [], 3, {}, {"modelStage": 5},
                                  {"unrelated": "x"}, {"modelStage": "  ", "message": None}])
def test_no_status_from_junk(junk):
    assert parse_model_status(junk) is None


def test_model_status_tolerates_odd_fields_and_takes_a_models_metadata_too():
    status = parse_model_status({"modelStage": "deprecated", "message": ["x"],
                                 "retirementTime": {"seconds": 1}, "extra": 1})
    assert status == ModelStatus("DEPRECATED", None, "")
    metadata = {"name": "models/gemini-2.5-flash-image", "modelStatus": g.DEPRECATED}
    assert parse_model_status(metadata) == parse_model_status(g.DEPRECATED)
    only_message = parse_model_status({"message": "Retiring\n soon."})
    assert only_message == ModelStatus("", None, "Retiring soon.")


def test_a_garbled_model_status_never_costs_the_image():
    body = g.success().body
    body["modelStatus"] = "DEPRECATED"
    assert parse_answer(body).model_status is None
    body["modelStatus"] = {"modelStage": "DEPRECATED", "retirementTime": "soon"}
    assert parse_answer(body).model_status == ModelStatus("DEPRECATED", None, "")
