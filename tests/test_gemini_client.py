"""The live client against the stand-in Gemini server: what it sends, how it retries, paces,
spools results, and how every way of failing ends."""

from __future__ import annotations

import asyncio
import base64
import io
import json
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backends import fail
from PIL import Image

from app.core.config import ConfigError, load_config
from app.services.errors import (
    AccountProblemError,
    AccountProblemKind,
    CancelledError,
    GenerationFailedError,
    PhotoUnusableError,
    StoppedError,
)
from app.services.gemini_answers import Usage
from app.services.gemini_check import check_key_async
from app.services.gemini_client import GeminiImageClient
from app.services.gemini_http import validate_api_url
from app.services.nano_banana_client import create_client
from app.services.pricing import (
    cost_of_answer,
    estimate_batch_cost,
    price_per_image,
)
from app.services.rate_limit import SlidingWindowLimiter
from app.services.styles import Style, get_style
from tests import gemini_standin as g
from tests.fakes import FakeClock
from tests.gemini_standin import API_KEY, PNG, GeminiStandIn

STYLE = Style(id="catalog", name="Catalog", description="", aspect_ratio="4:5",
              prompt="Place the product on a plain white background.",
              backdrop=("#ffffff", "#eeeeee"))




@pytest.fixture
def server() -> Iterator[GeminiStandIn]:
    with GeminiStandIn() as s:
        yield s


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "upload.jpg"
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (10, 120, 200)).save(buffer, "JPEG")
    path.write_bytes(buffer.getvalue())
    return path


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def client_for(url: str, tmp_path: Path, clock: FakeClock, **options: object) -> GeminiImageClient:
    options.setdefault("model", "gemini-2.5-flash-image")
    options.setdefault("api_key", API_KEY)
    return GeminiImageClient(api_url=url, spool_dir=tmp_path / "spool", sleep=clock.sleep,
                             jitter=lambda: 0.5, **options)  # jitter 0.5: exactly 1, 2, 4, 8 s


@pytest.fixture
def client(server: GeminiStandIn, tmp_path: Path, clock: FakeClock) -> Iterator[GeminiImageClient]:
    c = client_for(server.url, tmp_path, clock)
    yield c
    c.close()


def spool_files(tmp_path: Path) -> list[str]:
    folder = tmp_path / "spool"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


# What is sent -------------------------------------------------------------------------------

def test_request_matches_the_wire_format(client, server, photo):
    client.create_job(photo, STYLE)
    [request] = server.requests
    assert request.method == "POST"
    assert request.path == "/v1beta/models/gemini-2.5-flash-image:generateContent"
    assert request.query == ""  # the key never travels in the URL
    assert request.headers["x-goog-api-key"] == API_KEY
    assert request.headers["content-type"] == "application/json"
    body = request.json
    [content] = body["contents"]
    assert content["role"] == "user"
    photo_part, text_part = content["parts"]  # the photo first, then the instruction
    assert photo_part["inlineData"]["mimeType"] == "image/jpeg"
    assert base64.b64decode(photo_part["inlineData"]["data"]) == photo.read_bytes()
    assert text_part == {"text": STYLE.prompt}
    assert body["generationConfig"] == {"responseModalities": ["IMAGE"],
                                        "imageConfig": {"aspectRatio": "4:5"}}


def test_png_upload_is_sent_as_png(client, server, tmp_path):
    upload = tmp_path / "upload.png"
    upload.write_bytes(g.make_png(40, 30))
    client.create_job(upload, get_style("banner"))
    body = server.requests[0].json
    assert body["contents"][0]["parts"][0]["inlineData"]["mimeType"] == "image/png"
    assert body["generationConfig"]["imageConfig"] == {"aspectRatio": "16:9"}


def test_gemini_3_gets_image_size_and_its_thought_parts_are_skipped(server, photo, tmp_path,
                                                                     clock):
    client = client_for(server.url, tmp_path, clock, model="gemini-3-pro-image")
    job = client.create_job(photo, STYLE)
    config = server.requests[0].json["generationConfig"]
    assert config["imageConfig"] == {"aspectRatio": "4:5", "imageSize": "1K"}
    status = client.get_job_status(job["job_id"])
    # The stand-in sends a JPEG draft marked as a thought before the final PNG.
    assert status["mime_type"] == "image/png"
    assert client.download_result(status["output_url"]) == PNG
    sidecar = json.loads((tmp_path / "spool" / f"{job['job_id']}.json").read_text())
    assert sidecar["text"] == "Here you go."  # the thought text is left out
    # 1120 image + 200 thinking tokens at $120/1M, 298 input tokens at $2/1M.
    # Image tokens at the image rate, thinking at the text rate ($12/M on 3 Pro), input at $2/M.
    assert status["usage"]["cost_usd"] == pytest.approx((1120 * 120 + 200 * 12 + 298 * 2) / 1e6)
    client.close()


def test_upload_that_is_not_a_jpeg_or_png_is_refused_before_sending(client, server, tmp_path):
    bad = tmp_path / "upload.gif"
    bad.write_bytes(b"GIF89a....")
    with pytest.raises(PhotoUnusableError):
        client.create_job(bad, STYLE)
    assert server.requests == []


# The three calls and the spool --------------------------------------------------------------

def test_result_is_spooled_before_create_job_returns(client, server, photo, tmp_path):
    job = client.create_job(photo, STYLE)
    assert job["status"] == "queued"
    assert job["job_id"].startswith("gem_") and len(job["job_id"]) == 16
    assert spool_files(tmp_path) == sorted([f"{job['job_id']}.png", f"{job['job_id']}.json"])

    status = client.get_job_status(job["job_id"])
    assert status["status"] == "completed"
    assert status["mime_type"] == "image/png"
    assert status["output_url"].startswith("file://")
    assert status["usage"]["prompt_tokens"] == 298
    assert status["usage"]["output_tokens"] == 1290
    assert status["usage"]["cost_usd"] == pytest.approx((1290 * 30 + 298 * 0.3) / 1e6)
    assert client.download_result(status["output_url"]) == PNG

    client.discard(job["job_id"])
    assert spool_files(tmp_path) == []
    with pytest.raises(LookupError):
        client.get_job_status(job["job_id"])


def test_spooled_result_survives_a_new_client(server, photo, tmp_path, clock):
    first = client_for(server.url, tmp_path, clock)
    job = first.create_job(photo, STYLE)
    first.close()  # the app was killed right after the image arrived
    second = client_for(server.url, tmp_path, clock)
    status = second.get_job_status(job["job_id"])
    assert second.download_result(status["output_url"]) == PNG
    assert len(server.requests) == 1  # nothing was paid for twice
    second.close()


def test_answer_mime_type_decides_the_file_type(client, server, photo, tmp_path):
    jpeg = photo.read_bytes()
    server.enqueue(g.success(image=jpeg, mime="image/jpeg"))
    job = client.create_job(photo, STYLE)
    assert client.get_job_status(job["job_id"])["mime_type"] == "image/jpeg"
    assert f"{job['job_id']}.jpg" in spool_files(tmp_path)


def test_only_spooled_files_can_be_downloaded(client, tmp_path):
    outside = tmp_path / "secret.txt"
    outside.write_text("not yours")
    for url in (outside.resolve().as_uri(), "https://example.com/x.png",
                (tmp_path / "spool" / ".." / "secret.txt").as_uri()):
        with pytest.raises(ValueError):
            client.download_result(url)
    for job_id in ("../secret", "gem_123", "mock_0123456789ab"):
        with pytest.raises(LookupError):
            client.get_job_status(job_id)


# No image -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("answers", "words", "sent"), [
    ([g.prompt_blocked("SAFETY")], "blocked this request", 1),
    ([g.output_blocked("IMAGE_SAFETY", "The image shows a weapon.")],
     "blocked the result for safety reasons (The image shows a weapon.)", 1),
    ([g.output_blocked("PROHIBITED_CONTENT")], "blocked the result", 1),
    ([g.declined("I can't make images of people."), g.declined("I can't make images of people.")],
     'declined to make this image: "I can\'t make images of people."', 2),
    ([g.empty("STOP"), g.empty("IMAGE_OTHER")], "no image, and gave no reason", 2),
    ([g.finished("SOMETHING_NEW", [{"inlineData": {"mimeType": "image/png",
                                                   "data": base64.b64encode(PNG).decode()}}])],
     "unexpected way (SOMETHING_NEW)", 1),
])
def test_each_way_of_getting_no_image_ends_plainly(client, server, photo, tmp_path, clock,
                                                    answers, words, sent):
    server.enqueue(*answers)
    with pytest.raises(GenerationFailedError) as caught:
        client.create_job(photo, STYLE)
    assert words in caught.value.message
    assert len(server.requests) == sent
    assert clock.sleeps == []
    assert spool_files(tmp_path) == []


def test_a_decline_is_retried_once(client, server, photo):
    server.enqueue(g.declined())
    job = client.create_job(photo, STYLE)
    assert client.get_job_status(job["job_id"])["status"] == "completed"
    assert len(server.requests) == 2


def test_model_decline_words_are_shortened(client, server, photo):
    server.enqueue(g.declined("No. " * 300), g.declined("No. " * 300))
    with pytest.raises(GenerationFailedError) as caught:
        client.create_job(photo, STYLE)
    assert len(caught.value.message) < 320


# Transient failures -------------------------------------------------------------------------

@pytest.mark.parametrize("failure", [
    g.server_error(500), g.server_error(503), g.server_error(504), g.html_page(502),
    g.error(408, "DEADLINE_EXCEEDED", "timeout"), g.invalid_json(), g.dropped("before_answer"),
    g.dropped("mid_body"),
], ids=["500", "503", "504", "502-html", "408", "bad-json", "drop", "drop-mid-body"])
def test_transient_failures_are_retried(client, server, photo, clock, failure):
    server.enqueue(failure, failure)
    job = client.create_job(photo, STYLE)
    assert client.get_job_status(job["job_id"])["status"] == "completed"
    assert len(server.requests) == 3
    assert clock.sleeps == [1.0, 2.0]


def test_retry_waits_at_least_the_servers_retry_delay(client, server, photo, clock):
    server.enqueue(g.per_minute("26s"), g.per_minute("1.5s"), g.server_error(503))
    client.create_job(photo, STYLE)
    assert clock.sleeps == [26.0, 2.0, 4.0]  # max(backoff, retryDelay) each time
    assert len(server.requests) == 4


def test_gives_up_after_five_attempts_when_busy(client, server, photo, clock, tmp_path):
    server.enqueue(*[g.server_error(503)] * 6)
    with pytest.raises(GenerationFailedError) as caught:
        client.create_job(photo, STYLE)
    assert caught.value.message == "The image service was busy; try again later."
    assert "5 attempts" in caught.value.detail and "503" in caught.value.detail
    assert len(server.requests) == 5
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    assert spool_files(tmp_path) == []


def test_backoff_has_jitter_and_a_cap(server, photo, tmp_path, clock):
    client = client_for(server.url, tmp_path, clock, max_attempts=9)
    client._jitter = lambda: 1.0  # the largest spread: +20 %
    server.enqueue(*[g.server_error(500)] * 9)
    with pytest.raises(GenerationFailedError):
        client.create_job(photo, STYLE)
    assert clock.sleeps == pytest.approx([1.2, 2.4, 4.8, 9.6, 19.2, 38.4, 72.0, 72.0])
    client.close()


def test_unreachable_service_pauses_the_queue_instead_of_failing_the_photo(
        photo, tmp_path, clock):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = client_for(f"http://127.0.0.1:{port}/v1beta", tmp_path, clock)
    with pytest.raises(AccountProblemError) as caught:
        client.create_job(photo, STYLE)
    assert caught.value.kind is AccountProblemKind.SERVICE_UNREACHABLE
    assert "internet connection" in caught.value.message
    assert "ConnectError" in (caught.value.detail or "")
    assert clock.sleeps == [1.0, 2.0, 4.0, 8.0]
    client.close()


def test_read_timeout_is_retried(server, photo, tmp_path, clock):
    client = client_for(server.url, tmp_path, clock, read_timeout=0.3)
    server.enqueue(g.slow(3.0))
    job = client.create_job(photo, STYLE)
    assert client.get_job_status(job["job_id"])["status"] == "completed"
    assert len(server.requests) == 2
    assert clock.sleeps == [1.0]
    client.close()


# Account problems and per-photo rejections -------------------------------------------------

@pytest.mark.parametrize(("answer", "kind", "words"), [
    (g.failed_precondition(), AccountProblemKind.BILLING, "billing"),
    (g.payment_required(), AccountProblemKind.BILLING, "Top up"),
    (g.service_disabled(), AccountProblemKind.API_DISABLED, "not enabled"),
    (g.per_day(), AccountProblemKind.DAILY_QUOTA, "midnight Pacific"),
    (g.limit_zero(), AccountProblemKind.BILLING, "no quota for image generation"),
    (g.error(403, "PERMISSION_DENIED", "denied"), AccountProblemKind.KEY_REFUSED, "Settings"),
])
def test_account_problems_stop_at_once(client, server, photo, clock, answer, kind, words):
    server.enqueue(answer)
    with pytest.raises(AccountProblemError) as caught:
        client.create_job(photo, STYLE)
    assert caught.value.kind is kind
    assert words in caught.value.message
    assert len(server.requests) == 1
    assert clock.sleeps == []


def test_wrong_key_is_refused(server, photo, tmp_path, clock):
    wrong = "AIza" "WRONGwrongWRONGwrongWRONGwrong12"
    client = client_for(server.url, tmp_path, clock, api_key=wrong)
    with pytest.raises(AccountProblemError) as caught:
        client.create_job(photo, STYLE)
    assert caught.value.kind is AccountProblemKind.KEY_REFUSED
    assert caught.value.message == ("The API key was refused. Open Settings and enter a valid "
                                    "Gemini API key.")
    assert len(server.requests) == 1
    client.close()


def test_retired_model_is_explained(server, photo, tmp_path, clock):
    client = client_for(server.url, tmp_path, clock, model="gemini-2.0-flash-image-old")
    with pytest.raises(AccountProblemError) as caught:
        client.create_job(photo, STYLE)
    assert caught.value.kind is AccountProblemKind.MODEL_UNAVAILABLE
    assert caught.value.message.startswith("Model gemini-2.0-flash-image-old is not available")
    assert "Settings" in caught.value.message
    client.close()


def test_unusable_photo_fails_that_photo_alone(client, server, photo):
    server.enqueue(g.bad_photo())
    with pytest.raises(GenerationFailedError) as caught:
        client.create_job(photo, STYLE)
    assert not isinstance(caught.value, AccountProblemError)
    assert "Unable to process input image" in caught.value.message
    assert len(server.requests) == 1


def test_the_key_never_appears_in_errors_or_logs(client, server, photo, caplog):
    caplog.set_level(logging.DEBUG)
    # A proxy that echoes the request headers back in its error page.
    echo = f"<html><body>Bad Request: x-goog-api-key: {API_KEY}</body></html>"
    server.enqueue(g.Answer(400, echo, {"content-type": "text/html"}),
                   *[g.Answer(503, echo, {"content-type": "text/html"})] * 5)
    with pytest.raises(GenerationFailedError) as rejected:
        client.create_job(photo, STYLE)  # the 400: this photo fails, with the proxy's words
    with pytest.raises(GenerationFailedError) as busy:
        client.create_job(photo, STYLE)  # five 503s: gave up
    assert "Bad Request: x-goog-api-key: [REDACTED]" in rejected.value.message
    assert "[REDACTED]" in busy.value.detail
    assert len(server.requests) == 6
    for error in (rejected.value, busy.value):
        for text in (str(error), error.message, error.detail or "", repr(error)):
            assert API_KEY not in text
    assert API_KEY not in repr(client)
    assert caplog.records  # the retries were logged...
    assert API_KEY not in caplog.text  # ...without the key, before any redacting handler


# Pacing and concurrency --------------------------------------------------------------------

def test_rpm_counts_every_attempt_including_retries(photo, tmp_path, clock):
    with GeminiStandIn(clock=clock.now) as server:
        limiter = SlidingWindowLimiter(2, 60.0, clock=clock.now, sleep=clock.sleep)
        client = client_for(server.url, tmp_path, clock, limiter=limiter)
        server.enqueue(g.server_error(503))
        for _ in range(3):
            client.create_job(photo, STYLE)
        arrivals = [r.arrived for r in server.requests]
        client.close()
    # 503 at 0, its retry after 1 s backoff, then each new start waits for the window.
    assert arrivals == [0.0, 1.0, 60.0, 61.0]
    for start in arrivals:
        assert sum(start <= t < start + 60 for t in arrivals) <= 2


def test_server_per_minute_limit_is_waited_out(photo, tmp_path, clock):
    with GeminiStandIn(clock=clock.now, rpm_limit=2) as server:
        client = client_for(server.url, tmp_path, clock, rpm=100)
        for _ in range(3):
            client.create_job(photo, STYLE)
        client.close()
        assert server.rate_limited == 1
        assert server.outcomes == {"200": 3, "429": 1}
    assert clock.sleeps == [60.0]  # the stand-in's retryDelay, longer than the 1 s backoff


def test_in_flight_requests_are_capped(photo, tmp_path, clock):
    with GeminiStandIn(latency=0.25) as server:
        client = client_for(server.url, tmp_path, clock, parallel=2)
        threads = [threading.Thread(target=client.create_job, args=(photo, STYLE))
                   for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(10)
        client.close()
        assert len(server.requests) == 6
        assert server.max_in_flight == 2


def test_cancel_before_sending_sends_nothing(client, server, photo):
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(CancelledError):
        client.create_job(photo, STYLE, cancel=cancel)
    assert server.requests == []


def test_cancel_during_backoff_stops_retrying(server, photo, tmp_path):
    cancel = threading.Event()
    client = client_for(server.url, tmp_path, FakeClock())
    client._sleep = lambda seconds: cancel.set()  # the user cancels while the client waits
    server.enqueue(g.server_error(503), g.server_error(503))
    with pytest.raises(CancelledError):
        client.create_job(photo, STYLE, cancel=cancel)
    assert len(server.requests) == 1
    client.close()


def test_closed_client_sends_nothing(client, server, photo):
    client.close()
    with pytest.raises(StoppedError):  # the job stays queued for the next run
        client.create_job(photo, STYLE)
    assert server.requests == []


# Construction from the configuration -------------------------------------------------------

@pytest.fixture
def no_keyring() -> Iterator[None]:
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


def live_config(url: str, tmp_path: Path, **env: str):
    return load_config(env={"IMAGE_GENERATION_MODE": "live", "NANO_BANANA_API_URL": url,
                            "PRODUCTSNAP_DATA_DIR": str(tmp_path / "data"), **env},
                       cwd=tmp_path)


def test_no_key_is_refused_before_anything_is_sent(server, tmp_path, no_keyring):
    config = live_config(server.url, tmp_path)
    with pytest.raises(AccountProblemError) as caught:
        create_client(config)
    assert caught.value.kind is AccountProblemKind.NO_KEY
    assert "NANO_BANANA_API_KEY" in caught.value.message
    assert "productsnap key set" in caught.value.message
    assert server.requests == []


def test_from_config_uses_the_configured_values(server, photo, tmp_path, no_keyring):
    config = live_config(server.url, tmp_path, NANO_BANANA_API_KEY=API_KEY,
                         NANO_BANANA_MODEL="gemini-3.1-flash-image", PRODUCTSNAP_PARALLEL="3",
                         PRODUCTSNAP_RPM="7")
    client = create_client(config)
    assert isinstance(client, GeminiImageClient)
    assert (client.model, client.parallel, client._limiter.max_requests) == (
        "gemini-3.1-flash-image", 3, 7)
    assert client.spool.folder == config.paths.spool
    job = client.create_job(photo, STYLE)
    assert (config.paths.spool / f"{job['job_id']}.png").is_file()
    assert server.requests[0].headers["x-goog-api-key"] == API_KEY
    client.close()


def test_plain_http_is_refused_unless_loopback(tmp_path):
    for url in ("https://generativelanguage.googleapis.com/v1beta/", "http://127.0.0.1:8080/v1",
                "http://127.5.0.1/v1", "http://localhost:9/v1beta", "http://[::1]:80/v1beta"):
        assert validate_api_url(url) == url.rstrip("/")
    for url in ("http://generativelanguage.googleapis.com/v1beta", "http://127.0.0.1.evil.net/",
                "http://10.0.0.1/v1", "ftp://127.0.0.1/", "generativelanguage.googleapis.com"):
        with pytest.raises(ConfigError):
            validate_api_url(url)
    with pytest.raises(ConfigError, match="https"):
        GeminiImageClient(api_url="http://example.com/v1beta", model="m", api_key=API_KEY,
                          spool_dir=tmp_path)


# Checking the key ---------------------------------------------------------------------------

def test_check_key(server, tmp_path, clock):
    good = client_for(server.url, tmp_path, clock)
    result = good.check_key()
    assert result.ok and result.kind is None
    assert result.choice is not None and result.choice.model == "gemini-2.5-flash-image"
    assert [m.id for m in result.models] == list(server.models)  # every page, images only
    lists = [r for r in server.requests if r.path == "/v1beta/models"]
    assert len(lists) > 1 and all(r.method == "GET" and "key=" not in r.query for r in lists)

    wrong = client_for(server.url, tmp_path, clock, api_key="wrong-key-value")
    assert wrong.check_key().kind is AccountProblemKind.KEY_REFUSED
    retired = client_for(server.url, tmp_path, clock, model="gemini-1-image")
    result = retired.check_key()
    assert (result.ok, result.kind) == (False, AccountProblemKind.MODEL_UNAVAILABLE)
    assert not any(r.path.endswith(":generateContent") for r in server.requests)
    for c in (good, wrong, retired):
        c.close()


def test_check_key_async(server):
    ok = asyncio.run(check_key_async(server.url, "gemini-2.5-flash-image", API_KEY))
    assert ok.ok
    refused = asyncio.run(check_key_async(server.url, "gemini-2.5-flash-image", "nope-nope"))
    assert (refused.ok, refused.kind) == (False, AccountProblemKind.KEY_REFUSED)
    assert "nope-nope" not in refused.message
    server.stop()
    down = asyncio.run(check_key_async(server.url, "gemini-2.5-flash-image", API_KEY))
    assert not down.ok and down.kind is AccountProblemKind.SERVICE_UNREACHABLE
    assert "reach" in down.message


# Prices -------------------------------------------------------------------------------------

def test_prices():
    # The reference's list prices, from the tokens of one image at the image rate.
    assert price_per_image("gemini-2.5-flash-image") == pytest.approx(0.0387)
    assert price_per_image("gemini-3.1-flash-image") == pytest.approx(0.067, abs=0.0005)
    assert price_per_image("gemini-3.1-flash-image", "512") == pytest.approx(0.045, abs=0.0005)
    assert price_per_image("gemini-3.1-flash-image", "2K") == pytest.approx(0.101, abs=0.0005)
    assert price_per_image("gemini-3.1-flash-image", "4K") == pytest.approx(0.151, abs=0.0005)
    assert price_per_image("gemini-3-pro-image", "2K") == pytest.approx(0.134, abs=0.0005)
    assert price_per_image("gemini-3-pro-image", "4K") == pytest.approx(0.24)
    assert price_per_image("gemini-3-pro-image-preview") == pytest.approx(0.1344)
    assert price_per_image("gemini-nano-banana-2.1") == pytest.approx(0.0336)
    assert price_per_image("gemini-2.5-flash-image", "2K") is None  # not a size it makes
    assert price_per_image("some-future-model") is None
    assert estimate_batch_cost("gemini-2.5-flash-image", 100) == pytest.approx(3.87)


def test_costs_bill_image_text_thinking_and_input_tokens_each_at_its_rate():
    pro = Usage(prompt_tokens=298, output_tokens=1124, thoughts_tokens=180,
                image_tokens=1120, text_tokens=4)
    cost = cost_of_answer("gemini-3-pro-image", pro, had_image=True)
    assert cost.cost_usd == pytest.approx((1120 * 120 + (4 + 180) * 12 + 298 * 2) / 1e6)
    assert cost.known_model and cost.from_tokens
    # A blocked answer that billed thinking tokens is money spent.
    blocked = Usage(prompt_tokens=298, output_tokens=0, thoughts_tokens=250)
    assert cost_of_answer("gemini-3.1-flash-image", blocked, had_image=False).cost_usd == (
        pytest.approx((250 * 1.5 + 298 * 0.25) / 1e6))
    no_counts = cost_of_answer("gemini-2.5-flash-image", Usage(0, 0, 0), had_image=True)
    assert (no_counts.cost_usd, no_counts.from_tokens) == (pytest.approx(0.0387), False)
    unknown = cost_of_answer("some-future-model", pro, had_image=True)
    assert (unknown.cost_usd, unknown.known_model) == (0.0, False)
