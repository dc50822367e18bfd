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
    (g.free_tier(with_limit_zero=True), AccountProblemKind.BILLING),
    (g.free_tier(with_limit_zero=False), AccountProblemKind.BILLING),
    (g.free_tier_country(), AccountProblemKind.BILLING),
    (g.location_unsupported(), AccountProblemKind.REGION_UNSUPPORTED),
    (g.country_unsupported(), AccountProblemKind.REGION_UNSUPPORTED),
    (g.unknown_field(), AccountProblemKind.BAD_SETTING),
    (g.bad_size(), AccountProblemKind.BAD_SETTING),
    (g.bad_ratio(), AccountProblemKind.BAD_SETTING),
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


# A free-tier key on an image model: billing, never "wait for tomorrow" --------------------

def _quota_429(*quota_ids: str, message: str = "You exceeded your current quota.") -> g.Answer:
    return g.error(429, "RESOURCE_EXHAUSTED", message,
                   {"@type": g.TYPE + "QuotaFailure",
                    "violations": [{"quotaId": quota_id} for quota_id in quota_ids]},
                   {"@type": g.TYPE + "RetryInfo", "retryDelay": "35s"})


@pytest.mark.parametrize("answer", [
    g.free_tier(with_limit_zero=True),
    g.free_tier(with_limit_zero=False),
    _quota_429("GenerateRequestsPerDayPerProjectPerModel-FreeTier"),  # PerDay, yet free tier
    _quota_429("GenerateContentInputTokensPerModelPerMinute-FreeTier"),
    _quota_429("ImagesPerMinute", message="Quota exceeded for metric: x, limit: 0, model: y"),
])
def test_a_free_tier_key_needs_billing_not_a_wait(answer):
    error = classify(answer)
    assert isinstance(error, AccountProblemError)
    assert error.kind is AccountProblemKind.BILLING
    assert "billing" in error.message
    assert "no free tier" in error.message
    assert "not a daily limit" in error.message
    assert "no quota for image generation" in error.message


def test_a_paid_daily_quota_is_still_a_daily_quota():
    error = classify(_quota_429("GenerateRequestsPerDayPerProjectPerModel"))
    assert error.kind is AccountProblemKind.DAILY_QUOTA


# Failed preconditions: billing, or a region Google does not serve -------------------------

@pytest.mark.parametrize("answer", [
    g.location_unsupported(), g.country_unsupported(),
    g.error(400, "FAILED_PRECONDITION", "Image generation is not available in your region."),
    g.error(403, "PERMISSION_DENIED", "User location is not supported for the API use."),
])
def test_a_region_google_does_not_serve_pauses_and_billing_will_not_help(answer):
    error = classify(answer)
    assert error.kind is AccountProblemKind.REGION_UNSUPPORTED
    assert "not offered where you are" in error.message
    assert "billing does not change" in error.message.lower()


@pytest.mark.parametrize("answer", [g.free_tier_country(), g.failed_precondition(),
                                    g.error(400, "FAILED_PRECONDITION", "Precondition failed.")])
def test_free_tier_not_offered_in_the_country_is_billing(answer):
    error = classify(answer)
    assert error.kind is AccountProblemKind.BILLING
    assert "Enable billing" in error.message


# 400: a setting every photo would meet, or this photo alone --------------------------------

def test_an_unknown_field_is_a_setting_not_the_photo():
    error = classify(g.unknown_field("imageSize"))
    assert error.kind is AccountProblemKind.BAD_SETTING
    assert "imageSize" in error.message and MODEL in error.message
    assert "not the photo" in error.message
    assert "generation_config.image_config" in error.detail


@pytest.mark.parametrize("answer", [
    # A BadRequest naming a field, whatever the message says.
    g.error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.",
            {"@type": g.TYPE + "BadRequest", "fieldViolations": [
                {"field": "generation_config.image_config.aspect_ratio",
                 "description": "Invalid value"}]}),
    g.bad_size("512", "gemini-nano-banana-2.1"),
    g.bad_ratio("1:8", "gemini-2.5-flash-image"),
    g.error(400, "INVALID_ARGUMENT", "The image size 8K is not supported by this model."),
    g.error(400, "INVALID_ARGUMENT", "aspect ratio must be one of 1:1, 16:9."),
    g.error(400, "INVALID_ARGUMENT", 'Invalid JSON payload received. Unknown name '
            '"responseModalities": Cannot find field.'),
])
def test_settings_the_model_does_not_take_pause_the_batch(answer):
    error = classify(answer)
    assert error.kind is AccountProblemKind.BAD_SETTING
    assert "a setting that model" in error.message and "not the photo" in error.message


@pytest.mark.parametrize("answer", [
    g.bad_photo(),
    g.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."),
    g.error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
    g.error(400, "INVALID_ARGUMENT", "Base64 decoding failed.",
            {"@type": g.TYPE + "BadRequest", "fieldViolations": [
                {"field": "contents[0].parts[0].inline_data.data",
                 "description": "Base64 decoding failed."}]}),
])
def test_other_invalid_arguments_fail_that_photo_alone(answer):
    error = classify(answer)
    assert type(error) is GenerationFailedError
    assert error.message.startswith("The image service could not use this photo: ")


def test_error_body_reads_field_violations_and_help_links():
    parsed = parse_error_body(json.dumps(g.unknown_field().body))
    assert parsed.field_violations == [
        "generation_config.image_config: Invalid JSON payload received. Unknown name "
        "\"imageSize\" at 'generation_config.image_config': Cannot find field."]
    assert parse_error_body(json.dumps(g.help_only_429().body)).help_links == [
        "https://ai.google.dev/gemini-api/docs/rate-limits"]


# 429s that are only "slow down" are marked, for the client's "again and again" --------------

@pytest.mark.parametrize(("answer", "rate_limited"), [
    (g.per_minute("26s"), True), (g.help_only_429(), True),
    (g.error(429, "RESOURCE_EXHAUSTED", "Too many requests."), True),
    (g.server_error(503), False), (g.server_error(500), False), (g.html_page(502), False),
])
def test_every_429_is_marked_rate_limited(answer, rate_limited):
    error = classify(answer)
    assert type(error) is TransientError
    assert error.rate_limited is rate_limited


def test_a_help_only_429_has_no_delay_of_its_own():
    error = classify(g.help_only_429())
    assert (error.retry_after, error.rate_limited) == (None, True)
    assert "HTTP 429 RESOURCE_EXHAUSTED" in error.detail
    assert TransientError("x").rate_limited is False  # the default


def test_the_key_is_redacted_from_the_new_kinds_too():
    key = "registered-key-for-new-kinds"
    register_secret(key)
    for answer in (g.unknown_field(key), g.error(400, "FAILED_PRECONDITION",
                                                 f"User location {key} is not supported."),
                   g.error(429, "RESOURCE_EXHAUSTED", f"limit: 0 for {key}")):
        error = classify(answer)
        assert isinstance(error, AccountProblemError)
        assert key not in error.message and key not in error.detail


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
    (g.finished("", [{"text": "words, no image"}]), "unexpected", False),
    (g.malformed(), "malformed", True),
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
