"""Classifying error answers and reading 200 answers, body by body (no network)."""

from __future__ import annotations

import base64
import json

import pytest

from app.core.logging_setup import register_secret
from app.services.errors import (
    AccountProblemError,
    AccountProblemKind,
    GenerationFailedError,
    TransientError,
)
from app.services.gemini_answers import NoImageError, parse_answer
from app.services.gemini_errors import classify_error, parse_duration, parse_error_body
from tests import gemini_standin as g

MODEL = "gemini-2.5-flash-image"


def classify(answer: g.Answer, header: str | None = None) -> Exception:
    body = answer.body if isinstance(answer.body, str) else json.dumps(answer.body)
    return classify_error(answer.status, body.encode(), MODEL, header)


@pytest.mark.parametrize(("answer", "kind"), [
    (g.api_key_invalid(), AccountProblemKind.KEY_REFUSED),
    (g.error(401, "UNAUTHENTICATED", "no"), AccountProblemKind.KEY_REFUSED),
    (g.failed_precondition(), AccountProblemKind.BILLING),
    (g.payment_required(), AccountProblemKind.BILLING),
    (g.service_disabled(), AccountProblemKind.API_DISABLED),
    (g.error(403, "PERMISSION_DENIED", "Method doesn't allow unregistered callers."),
     AccountProblemKind.KEY_REFUSED),
    (g.model_not_found(), AccountProblemKind.MODEL_UNAVAILABLE),
    (g.per_day(), AccountProblemKind.DAILY_QUOTA),
    (g.limit_zero(), AccountProblemKind.BILLING),
])
def test_account_problems(answer, kind):
    error = classify(answer)
    assert isinstance(error, AccountProblemError)
    assert error.kind is kind
    assert error.message.endswith(".") and len(error.message) < 260
    assert f"HTTP {answer.status}" in error.detail


def test_messages_name_the_next_step():
    assert classify(g.api_key_invalid()).message == (
        "The API key was refused. Open Settings and enter a valid Gemini API key.")
    assert classify(g.model_not_found()).message.startswith(
        "Model gemini-2.5-flash-image is not available any more (Google retires older models)")


def test_limit_zero_in_quota_value_alone():
    answer = g.error(429, "RESOURCE_EXHAUSTED", "Quota exceeded.",
                     {"@type": g.TYPE + "QuotaFailure",
                      "violations": [{"quotaId": "ImagesPerMinute", "quotaValue": "0"}]})
    assert classify(answer).kind is AccountProblemKind.BILLING


@pytest.mark.parametrize(("answer", "delay"), [
    (g.per_minute("26s"), 26.0), (g.per_minute("1.5s"), 1.5),
    (g.server_error(500), None), (g.server_error(503), None), (g.server_error(504), None),
    (g.html_page(502), None), (g.error(408, "DEADLINE_EXCEEDED", "slow"), None),
])
def test_transient(answer, delay):
    error = classify(answer)
    assert type(error) is TransientError
    assert error.retry_after == delay


def test_retry_after_header_is_used_when_the_body_has_no_retry_info():
    assert classify(g.server_error(503), header="7").retry_after == 7.0
    assert classify(g.per_minute("3s"), header="7").retry_after == 3.0


def test_invalid_argument_fails_the_photo_with_the_apis_reason():
    error = classify(g.bad_photo())
    assert type(error) is GenerationFailedError
    assert error.message.startswith("The image service could not use this photo: Unable to "
                                    "process input image.")


def test_html_and_plain_text_bodies():
    error = classify_error(400, b"<html><head><style>p{}</style></head><body><p>Request "
                           b"&amp; header too large</p></body></html>", MODEL)
    assert error.message == ("The image service could not use this photo: Request & header "
                             "too large")
    plain = classify_error(500, b"upstream connect error", MODEL)
    assert isinstance(plain, TransientError) and "upstream connect error" in plain.detail
    odd = classify_error(418, b"", MODEL)
    assert type(odd) is GenerationFailedError and "HTTP 418" in odd.message
    assert parse_error_body(b'["not", "an", "envelope"]').raw_text == '["not", "an", "envelope"]'


def test_a_registered_key_is_redacted_from_messages_and_details():
    key = "registered-key-for-redaction-test"
    register_secret(key)
    error = classify_error(400, json.dumps({"error": {
        "code": 400, "status": "INVALID_ARGUMENT", "message": f"bad header {key}"}}), MODEL)
    assert key not in error.message and key not in error.detail
    assert "[REDACTED]" in error.message


def test_parse_duration():
    assert parse_duration("26s") == 26.0
    assert parse_duration("0.25s") == 0.25
    assert parse_duration(4) == 4.0
    assert parse_duration("soon") is None
    assert parse_duration(None) is None


# 200 answers --------------------------------------------------------------------------------

def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def test_image_and_text_in_any_order_with_unknown_keys():
    answer = {"candidates": [{"content": {"parts": [
        {"inlineData": {"mimeType": "image/webp", "data": b64(b"RIFF0000WEBP")}},
        {"text": "Done."}, {"text": "draft", "thought": True}]},
        "finishReason": "STOP", "newField": 1}],
        "usageMetadata": {"promptTokenCount": 10, "candidatesTokenCount": 1290,
                          "thoughtsTokenCount": 5},
        "modelVersion": "gemini-2.5-flash-image", "trafficType": "ON_DEMAND"}
    image = parse_answer(answer)
    assert (image.data, image.mime_type, image.text) == (b"RIFF0000WEBP", "image/webp", "Done.")
    assert (image.usage.prompt_tokens, image.usage.output_tokens,
            image.usage.thoughts_tokens) == (10, 1290, 5)


def test_thought_images_are_never_taken():
    only_thought = {"candidates": [{"content": {"parts": [
        {"inlineData": {"mimeType": "image/png", "data": b64(g.PNG)}, "thought": True}]},
        "finishReason": "STOP"}]}
    with pytest.raises(NoImageError) as caught:
        parse_answer(only_thought)
    assert caught.value.kind == "empty" and caught.value.retry_once


@pytest.mark.parametrize(("answer", "kind", "retry"), [
    (g.prompt_blocked(), "prompt_blocked", False),
    *[(g.output_blocked(r), "output_blocked", False) for r in (
        "IMAGE_SAFETY", "IMAGE_PROHIBITED_CONTENT", "IMAGE_RECITATION", "SAFETY",
        "PROHIBITED_CONTENT", "BLOCKLIST", "SPII", "RECITATION")],
    (g.declined("Sorry, no."), "declined", True),
    (g.finished("STOP", [{"text": "I only describe images."}]), "declined", True),
    (g.empty("STOP"), "empty", True), (g.empty("IMAGE_OTHER"), "empty", True),
    (g.empty("OTHER"), "empty", True),
    (g.Answer(body={}), "empty", True),
    (g.finished("MAX_TOKENS", []), "unexpected", False),
    (g.finished("", [{"inlineData": {"mimeType": "image/png", "data": b64(g.PNG)}}]),
     "unexpected", False),
])
def test_no_image_kinds(answer, kind, retry):
    with pytest.raises(NoImageError) as caught:
        parse_answer(answer.body)
    assert (caught.value.kind, caught.value.retry_once) == (kind, retry)
    assert isinstance(caught.value, GenerationFailedError)


def test_decline_quotes_the_model():
    with pytest.raises(NoImageError) as caught:
        parse_answer(g.declined("I can't show real brands.").body)
    assert '"I can\'t show real brands."' in caught.value.message


@pytest.mark.parametrize("body", [
    [], "text", {"candidates": [{"content": {"parts": [
        {"inlineData": {"mimeType": "image/png", "data": "%%% not base64"}}]},
        "finishReason": "STOP"}]},
])
def test_garbled_answers_are_transient(body):
    with pytest.raises(TransientError):
        parse_answer(body)
