"""A stand-in for Google's Gemini REST API: a real HTTP server on 127.0.0.1 for tests and the
pacing benchmark. It answers like shared/reference/gemini-rest.md, checks the key and the body,
and records every request (path, headers, body, arrival time, how it ended).

    server = GeminiStandIn(latency=0.5, rpm_limit=10).start()
    ...  # point NANO_BANANA_API_URL at server.url
    server.stop()

Scripted answers (``enqueue``) are used in order, one per request after the key and rate checks;
without one, generateContent succeeds with a real PNG and GET models/<id> returns metadata.
``GET /v1beta/models`` (the model list, paginated: 3 a page without ``pageSize``, and never more
than ``max_page_size``, 5 by default, as Google too may send fewer than asked) is answered after
the key check and never takes a scripted answer or counts against the rate.

Without a script, generateContent behaves per model like Google (``SPECS``): ``imageSize`` is
refused by 2.5 Flash Image ("Unknown name") and checked against each Gemini 3 model's sizes, the
aspect ratio against its ratios; the image is a real square PNG of 512/1024/2048/4096 px (1024
without imageSize) and ``usageMetadata`` bills the image tokens of that model and size, split
by modality, with thinking tokens on the Gemini 3 models. ``model_status`` adds a
``modelStatus`` to a model's answers, its metadata and its list entry.

Run ``python -m tests.gemini_standin --latency 1 --rpm-limit 10`` to serve from a shell.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import math
import socket
import struct
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_KEY = "test-key-0123456789"
MODELS = ("gemini-2.5-flash-image", "gemini-3.1-flash-image", "gemini-3-pro-image",
          "gemini-3.1-flash-lite-image", "gemini-nano-banana-2.1")
TYPE = "type.googleapis.com/google.rpc."
DEFAULT_PAGE_SIZE = 3  # small, so that clients must follow nextPageToken
MAX_PAGE_SIZE = 5  # Google too may send fewer models a page than pageSize asks for
PROMPT_TOKENS = 298
THOUGHT_TOKENS = 200  # on the Gemini 3 models
LONG_EDGE = {"512": 512, "1K": 1024, "2K": 2048, "4K": 4096}


@functools.lru_cache(maxsize=16)
def make_png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A real, valid PNG of one colour (made once per size: a 4096 px square takes a moment)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * width
    rows_at_once = max(1, min(height, (1 << 20) // len(row)))  # about 1 MB a feed
    compressor = zlib.compressobj()
    pieces = [compressor.compress(row * rows_at_once) for _ in range(height // rows_at_once)]
    pieces += [compressor.compress(row * (height % rows_at_once)), compressor.flush()]
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", b"".join(pieces))
            + chunk(b"IEND", b""))


def square_png(size: str | None = None) -> bytes:
    """The image of a successful answer: square, 1024 px without imageSize."""
    edge = LONG_EDGE.get(size or "1K", 1024)
    return make_png(edge, edge)


PNG = square_png()  # what an answer without imageSize (or with 1K) holds


# What each model takes and bills, as Google's models do (a small table of the stand-in's own).
TEN_RATIOS = ("1:1", "2:3", "3:2", "3:4", "4:3", "4:5", "5:4", "9:16", "16:9", "21:9")
FOURTEEN_RATIOS = (*TEN_RATIOS, "1:4", "4:1", "1:8", "8:1")


@dataclass(frozen=True)
class ModelSpec:
    display_name: str
    sizes: dict[str, int] | None  # imageSize -> image tokens; None: the field is not accepted
    tokens_without_size: int
    thinks: bool  # thoughtsTokenCount and draft parts marked as thoughts
    ratios: tuple[str, ...]


SPECS: dict[str, ModelSpec] = {
    "gemini-2.5-flash-image": ModelSpec("Nano Banana", None, 1290, False, TEN_RATIOS),
    "gemini-3-pro-image": ModelSpec("Nano Banana Pro", {"1K": 1120, "2K": 1120, "4K": 2000},
                                    1120, True, TEN_RATIOS),
    "gemini-3.1-flash-image": ModelSpec(
        "Nano Banana 2", {"512": 747, "1K": 1120, "2K": 1680, "4K": 2520}, 1120, True,
        FOURTEEN_RATIOS),
    "gemini-3.1-flash-lite-image": ModelSpec("Nano Banana 2 Lite", {"1K": 1120}, 1120, True,
                                             TEN_RATIOS),
    "gemini-nano-banana-2.1": ModelSpec("Nano Banana 2.1", {"1K": 1120, "2K": 1680, "4K": 2520},
                                        1120, True, FOURTEEN_RATIOS),
}


def spec_for(model: str) -> ModelSpec:
    """A model's row; a model the table does not know behaves like its family."""
    if model in SPECS:
        return SPECS[model]
    if model.startswith("gemini-2"):
        return ModelSpec(model, None, 1290, False, TEN_RATIOS)
    return ModelSpec(model, {"1K": 1120, "2K": 1680, "4K": 2520}, 1120,
                     model.startswith("gemini-3"), FOURTEEN_RATIOS)


# The model list holds much more than image models (the "image" ones are among them, on other
# pages). Imagen has "image" in its id but is no generateContent model.
OTHER_MODELS: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("gemini-2.5-flash", "Gemini 2.5 Flash",
     ("generateContent", "countTokens", "createCachedContent", "batchGenerateContent")),
    ("text-embedding-004", "Text Embedding 004", ("embedContent",)),
    ("veo-3.0-generate-001", "Veo 3", ("predictLongRunning",)),
    ("gemini-2.5-flash-preview-tts", "Gemini 2.5 Flash Preview TTS",
     ("countTokens", "generateContent")),
    ("imagen-4.0-generate-001", "Imagen 4", ("predict",)),
    ("gemini-2.5-pro", "Gemini 2.5 Pro",
     ("generateContent", "countTokens", "createCachedContent", "batchGenerateContent")),
    ("gemini-embedding-001", "Gemini Embedding 001", ("embedContent", "countTextTokens")),
)
IMAGE_METHODS = ("generateContent", "countTokens", "batchGenerateContent")


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # dict/list: sent as JSON; str/bytes: sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering, on top of the server's latency
    drop: str | None = None  # "before_answer" or "mid_body": close the socket instead
    trickle: float = 0.0  # seconds between single bytes of the body (a server that stalls)
    huge: int = 0  # a body of this many bytes, made as it is sent (never held in memory)
    declare_length: bool = True  # send content-length (a huge answer may hide its size)


@dataclass
class Recorded:
    method: str
    path: str
    query: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    arrived: float  # the server's clock when the request was read
    ended: float | None = None
    outcome: str = "pending"  # the status sent ("200", "429"...), "dropped" or "aborted"

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def model(self) -> str:
        return self.path.split("/models/", 1)[-1].split(":", 1)[0]


# Answers, as Google sends them ------------------------------------------------------------

def usage_metadata(image_tokens: int, text_tokens: int = 0,
                   thoughts_tokens: int = 0) -> dict[str, Any]:
    """``usageMetadata`` as Google sends it: output split by modality, thinking counted apart."""
    details = [{"modality": "IMAGE", "tokenCount": image_tokens}] if image_tokens else []
    if text_tokens:
        details.append({"modality": "TEXT", "tokenCount": text_tokens})
    output = image_tokens + text_tokens
    usage: dict[str, Any] = {
        "promptTokenCount": PROMPT_TOKENS, "candidatesTokenCount": output,
        "totalTokenCount": PROMPT_TOKENS + output + thoughts_tokens,
        "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 40},
                                {"modality": "IMAGE", "tokenCount": PROMPT_TOKENS - 40}],
    }
    if details:
        usage["candidatesTokensDetails"] = details
    if thoughts_tokens:
        usage["thoughtsTokenCount"] = thoughts_tokens
    return usage


def success(image: bytes = PNG, mime: str = "image/png", text: str | None = "Here you go.",
            thoughts: bool = False, model: str = MODELS[0], *, image_tokens: int | None = None,
            text_tokens: int = 0, thoughts_tokens: int = THOUGHT_TOKENS,
            model_status: dict[str, Any] | None = None) -> Answer:
    """A paid image. ``text_tokens``: what the text part bills (0 leaves TEXT out of the split,
    so ``candidatesTokenCount`` is the image's tokens alone); ``model_status`` is added as the
    answer's ``modelStatus``."""
    parts: list[dict[str, Any]] = []
    if thoughts:  # Gemini 3 sends its draft, text and image, marked as thoughts
        parts += [{"text": "Planning the backdrop...", "thought": True},
                  {"inlineData": {"mimeType": "image/jpeg",
                                  "data": base64.b64encode(b"\xff\xd8\xffdraft").decode()},
                   "thought": True}]
    if text is not None:
        parts.append({"text": text})
    parts.append({"inlineData": {"mimeType": mime, "data": base64.b64encode(image).decode()}})
    if image_tokens is None:
        image_tokens = 1290 if model.startswith("gemini-2.5") else 1120
    usage = usage_metadata(image_tokens, text_tokens if text is not None else 0,
                           thoughts_tokens if thoughts else 0)
    body: dict[str, Any] = {
        "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP",
                        "index": 0}],
        "usageMetadata": usage, "modelVersion": model, "responseId": "standin",
        "serviceTier": "standard",  # unknown keys appear over time: clients must ignore them
    }
    if model_status is not None:
        body["modelStatus"] = model_status
    return Answer(body=body)


DEPRECATED = {"modelStage": "DEPRECATED", "retirementTime": "2027-01-15T00:00:00Z",
              "message": "This model will be retired on 2027-01-15. Move to a newer image model."}


def with_model_status(status: dict[str, Any] | None = None, model: str = MODELS[0]) -> Answer:
    """A successful answer that says its model is on the way out (``modelStatus``)."""
    return success(model=model, model_status=DEPRECATED if status is None else status)


def image_without_finish_reason(model: str = MODELS[0]) -> Answer:
    """An image part and no ``finishReason`` at all: still a paid image."""
    answer = success(model=model, text=None)
    del answer.body["candidates"][0]["finishReason"]
    return answer


def prompt_blocked(reason: str = "OTHER") -> Answer:
    return Answer(body={"promptFeedback": {"blockReason": reason},
                        "usageMetadata": {"promptTokenCount": 298, "totalTokenCount": 298}})


def finished(reason: str, parts: list[dict[str, Any]] | None = None,
             message: str | None = None, usage: dict[str, Any] | None = None) -> Answer:
    """A candidate that ended with ``reason``; ``usage`` replaces the usageMetadata (by default
    only the prompt's tokens)."""
    candidate: dict[str, Any] = {"finishReason": reason, "index": 0}
    if parts is not None:
        candidate["content"] = {"role": "model", "parts": parts}
    if message:
        candidate["finishMessage"] = message
    return Answer(body={"candidates": [candidate],
                        "usageMetadata": usage or {"promptTokenCount": PROMPT_TOKENS}})


def malformed() -> Answer:
    """``MALFORMED_RESPONSE``: transient on Google's side, worth one more try."""
    return finished("MALFORMED_RESPONSE", [])


def pup_limited() -> Answer:
    """``PUP_LIMITED_DISABLED``: the account is limited under the Prohibited Use Policy."""
    return finished("PUP_LIMITED_DISABLED", None,
                    usage={"promptTokenCount": PROMPT_TOKENS, "totalTokenCount": PROMPT_TOKENS})


def output_blocked(reason: str = "IMAGE_SAFETY", message: str | None = None) -> Answer:
    return finished(reason, None, message)


def declined(text: str = "I can't edit this image.") -> Answer:
    return finished("NO_IMAGE", [{"text": text}])


def empty(reason: str = "STOP") -> Answer:
    return finished(reason, [])


def error(code: int, status: str, message: str, *details: dict[str, Any]) -> Answer:
    return Answer(code, {"error": {"code": code, "message": message, "status": status,
                                   "details": list(details)}})


def api_key_invalid() -> Answer:
    return error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                 {"@type": TYPE + "ErrorInfo", "reason": "API_KEY_INVALID",
                  "domain": "googleapis.com"})


def bad_photo() -> Answer:
    return error(400, "INVALID_ARGUMENT", "Unable to process input image. Please retry or "
                 "report in https://developers.generativeai.google/guide/troubleshooting")


def failed_precondition() -> Answer:
    """Billing: the free tier is not offered where the user is, a paid one would be."""
    return error(400, "FAILED_PRECONDITION", "User location is not supported for the API use "
                 "without a billing account linked.")


def free_tier_country() -> Answer:
    return error(400, "FAILED_PRECONDITION", "Gemini API free tier is not available in your "
                 "country. Please enable billing on your project in Google AI Studio.")


def location_unsupported() -> Answer:
    """A region Google does not serve at all: billing does not help."""
    return error(400, "FAILED_PRECONDITION", "User location is not supported for the API use.")


def country_unsupported() -> Answer:
    return error(400, "FAILED_PRECONDITION",
                 "Image generation is not available in your country.")


def unknown_field(name: str = "imageSize", at: str = "generation_config.image_config") -> Answer:
    """What Google answers a field the model (or API version) does not know."""
    said = (f'Invalid JSON payload received. Unknown name "{name}" at \'{at}\': Cannot find '
            "field.")
    return error(400, "INVALID_ARGUMENT", said,
                 {"@type": TYPE + "BadRequest",
                  "fieldViolations": [{"field": at, "description": said}]})


def bad_size(size: str = "512", model: str = "gemini-nano-banana-2.1",
             supported: tuple[str, ...] = ("1K", "2K", "4K")) -> Answer:
    return error(400, "INVALID_ARGUMENT", f"Unsupported image size: {size}. models/{model} "
                 f"supports imageSize {', '.join(supported)}.")


def bad_ratio(ratio: str = "1:8", model: str = MODELS[0],
              supported: tuple[str, ...] = TEN_RATIOS) -> Answer:
    return error(400, "INVALID_ARGUMENT", f"Unsupported aspect ratio: {ratio}. models/{model} "
                 f"supports aspectRatio {', '.join(supported)}.")


def payment_required() -> Answer:
    return error(402, "FAILED_PRECONDITION", "Your prepayment credits are depleted.")


def service_disabled() -> Answer:
    return error(403, "PERMISSION_DENIED", "Generative Language API has not been used in "
                 "project 123 before or it is disabled.",
                 {"@type": TYPE + "ErrorInfo", "reason": "SERVICE_DISABLED"})


def model_not_found(model: str = MODELS[0]) -> Answer:
    return error(404, "NOT_FOUND", f"models/{model} is not found for API version v1beta, or "
                 "is not supported for generateContent.")


def per_minute(retry: str = "2s") -> Answer:
    return error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                 {"@type": TYPE + "QuotaFailure", "violations": [
                     {"quotaMetric": "generativelanguage.googleapis.com/generate_requests",
                      "quotaId": "GenerateRequestsPerMinutePerProjectPerModel"}]},
                 {"@type": TYPE + "RetryInfo", "retryDelay": retry})


def per_day() -> Answer:
    return error(429, "RESOURCE_EXHAUSTED", "You exceeded your current quota.",
                 {"@type": TYPE + "QuotaFailure", "violations": [
                     {"quotaId": "GenerateRequestsPerDayPerProjectPerModel"}]},
                 {"@type": TYPE + "RetryInfo", "retryDelay": "3600s"})


def limit_zero() -> Answer:
    return error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for metric: generativelanguage."
                 "googleapis.com/generate_content_free_tier_requests, limit: 0, model: "
                 "gemini-2.5-flash-image",
                 {"@type": TYPE + "QuotaFailure", "violations": [
                     {"quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
                 {"@type": TYPE + "RetryInfo", "retryDelay": "20s"})


def free_tier(with_limit_zero: bool = True, model: str = MODELS[0]) -> Answer:
    """A free-tier key on an image model: no image quota at all. The ids end in -FreeTier (one
    also says PerDay); the message says ``limit: 0`` or not; a RetryInfo tempts waiting."""
    limit = "limit: 0, " if with_limit_zero else ""
    return error(429, "RESOURCE_EXHAUSTED",
                 "You exceeded your current quota, please check your plan and billing details. "
                 "For more information on this error, head to: https://ai.google.dev/gemini-api/"
                 "docs/rate-limits.\n* Quota exceeded for metric: generativelanguage.googleapis."
                 f"com/generate_content_free_tier_requests, {limit}model: {model}",
                 {"@type": TYPE + "QuotaFailure", "violations": [
                     {"quotaMetric": "generativelanguage.googleapis.com/"
                                     "generate_content_free_tier_requests",
                      "quotaId": "GenerateRequestsPerDayPerProjectPerModel-FreeTier",
                      "quotaDimensions": {"location": "global", "model": model}},
                     {"quotaMetric": "generativelanguage.googleapis.com/"
                                     "generate_content_free_tier_requests",
                      "quotaId": "GenerateRequestsPerMinutePerProjectPerModel-FreeTier",
                      "quotaDimensions": {"location": "global", "model": model}}]},
                 {"@type": TYPE + "Help", "links": [
                     {"description": "Learn more about Gemini API quotas",
                      "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]},
                 {"@type": TYPE + "RetryInfo", "retryDelay": "35s"})


def help_only_429() -> Answer:
    """429 whose only detail is a link: again and again, the quota is spent until it resets."""
    return error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted (e.g. check quota).",
                 {"@type": TYPE + "Help", "links": [
                     {"description": "Learn more about Gemini API quotas",
                      "url": "https://ai.google.dev/gemini-api/docs/rate-limits"}]})


def server_error(code: int = 500) -> Answer:
    status = {500: "INTERNAL", 503: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}.get(code, "UNKNOWN")
    message = "The model is overloaded. Please try again later." if code == 503 else "Internal"
    return error(code, status, message)


def html_page(code: int = 502) -> Answer:
    return Answer(code, "<html><head><title>502 Bad Gateway</title></head><body><h1>Bad "
                  "Gateway</h1><p>The proxy got no answer.</p></body></html>",
                  {"content-type": "text/html"})


def invalid_json() -> Answer:
    return Answer(200, '{"candidates": [{"content": ', {"content-type": "application/json"})


def dropped(where: str = "before_answer") -> Answer:
    # Mid-body, the client has read a promised length of real JSON when the socket closes.
    body = success().body if where == "mid_body" else None
    return Answer(body=body, drop=where)


def slow(seconds: float, then: Answer | None = None) -> Answer:
    answer = then or success()
    return Answer(answer.status, answer.body, answer.headers, seconds, answer.drop)


# The server -------------------------------------------------------------------------------

class GeminiStandIn:
    def __init__(self, *, api_key: str = API_KEY, models: tuple[str, ...] = MODELS,
                 latency: float = 0.0, rpm_limit: int | None = None, rpm_window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 model_status: dict[str, dict[str, Any]] | None = None,
                 text_tokens: int = 0, max_page_size: int = MAX_PAGE_SIZE) -> None:
        """``model_status``: model id -> the ``modelStatus`` object its answers, metadata and
        list entry carry. ``text_tokens``: what the "Here you go." text part of a successful
        answer bills (Google bills some; 0, the default, keeps ``candidatesTokenCount`` the
        image's tokens alone and leaves TEXT out of ``candidatesTokensDetails``).
        ``max_page_size``: the most models a page of the list holds, whatever pageSize asks
        (as Google may send fewer), so that every client follows nextPageToken."""
        self.api_key = api_key
        self.models = models
        self.model_status = dict(model_status or {})
        self.text_tokens = text_tokens
        self.max_page_size = max(1, max_page_size)
        self.latency = latency
        self.rpm_limit = rpm_limit
        self.rpm_window = rpm_window
        self.clock = clock
        self._script: deque[Answer] = deque()
        self._records: list[Recorded] = []
        self._accepted: deque[float] = deque()  # arrivals counted against rpm_limit
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._in_flight = 0
        self.max_in_flight = 0
        self.huge_sent = 0  # bytes of the last huge answer that went out before the hang-up
        self.rate_limited = 0  # 429s sent because of rpm_limit
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # control
    def start(self) -> GeminiStandIn:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()  # ends slow answers at once
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(5)

    def __enter__(self) -> GeminiStandIn:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the server first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1beta"

    def enqueue(self, *answers: Answer) -> None:
        with self._lock:
            self._script.extend(answers)

    @property
    def requests(self) -> list[Recorded]:
        with self._lock:
            return list(self._records)

    @property
    def outcomes(self) -> Counter[str]:
        return Counter(r.outcome for r in self.requests)

    @property
    def count_429(self) -> int:
        return self.outcomes["429"]

    # answering
    def _decide(self, record: Recorded) -> Answer:
        key = record.headers.get("x-goog-api-key")
        if key is None:
            return error(403, "PERMISSION_DENIED",
                         "Method doesn't allow unregistered callers. Please use API Key.")
        if key != self.api_key:
            return api_key_invalid()
        if record.method == "GET" and record.path == "/v1beta/models":
            return self._list_models(record)
        with self._lock:
            if self.rpm_limit is not None:
                while self._accepted and self._accepted[0] <= record.arrived - self.rpm_window:
                    self._accepted.popleft()
                if len(self._accepted) >= self.rpm_limit:
                    self.rate_limited += 1
                    wait = self._accepted[0] + self.rpm_window - record.arrived
                    return per_minute(f"{max(1, math.ceil(wait))}s")
                self._accepted.append(record.arrived)
            if self._script:
                return self._script.popleft()
        listed_elsewhere = record.method == "GET" and any(
            record.model == model for model, _, _ in OTHER_MODELS)
        if record.model not in self.models and not listed_elsewhere:
            return model_not_found(record.model)
        if record.method == "GET":
            return Answer(body=self._entry(record.model))
        return self._generate(record)

    # the model list
    def _entry(self, model: str) -> dict[str, Any]:
        """A model's metadata, as GET models/<id> and the list give it."""
        if model in self.models:
            name, methods = spec_for(model).display_name, IMAGE_METHODS
            description = f"{name}: image generation and editing."
        else:
            name, methods = next((n, m) for i, n, m in OTHER_MODELS if i == model)
            description = f"{name}."
        entry: dict[str, Any] = {
            "name": f"models/{model}", "version": "001", "displayName": name,
            "description": description, "inputTokenLimit": 32768, "outputTokenLimit": 32768,
            "supportedGenerationMethods": list(methods),
        }
        if model in self.model_status:
            entry["modelStatus"] = self.model_status[model]
        return entry

    def listed_models(self) -> list[str]:
        """Every id of the model list in its fixed order: two other models first, then each
        image model followed by another one, then the rest."""
        others = [model for model, _, _ in OTHER_MODELS]
        order = others[:2]
        rest = others[2:]
        for model in self.models:
            order.append(model)
            if rest:
                order.append(rest.pop(0))
        return order + rest

    def _list_models(self, record: Recorded) -> Answer:
        query = parse_qs(record.query)
        try:
            size = int(query.get("pageSize", ["0"])[0])
            start = int(query["pageToken"][0].removeprefix("page-")) if "pageToken" in query \
                else 0
        except ValueError:
            return error(400, "INVALID_ARGUMENT", "Invalid pageSize or pageToken.")
        listed = self.listed_models()
        if size < 0 or not 0 <= start <= len(listed):
            return error(400, "INVALID_ARGUMENT", "Invalid pageSize or pageToken.")
        size = min(size or DEFAULT_PAGE_SIZE, self.max_page_size)
        page: dict[str, Any] = {"models": [self._entry(m) for m in listed[start:start + size]]}
        if start + size < len(listed):
            page["nextPageToken"] = f"page-{start + size}"
        return Answer(body=page)

    def _generate(self, record: Recorded) -> Answer:
        try:
            body = record.json
            parts = body["contents"][0]["parts"]
            photo = base64.b64decode(parts[0]["inlineData"]["data"], validate=True)
            mime = parts[0]["inlineData"]["mimeType"]
            text = parts[1]["text"]
            config = body["generationConfig"]
        except (ValueError, KeyError, IndexError, TypeError, binascii.Error):
            return error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.")
        magic = {"image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}.get(mime)
        if magic is None or not photo.startswith(magic) or not text:
            return bad_photo()
        if config.get("responseModalities") != ["IMAGE"]:
            return error(400, "INVALID_ARGUMENT", "responseModalities must be [IMAGE] here.")
        spec = spec_for(record.model)
        image_config = config.get("imageConfig") or {}
        if not isinstance(image_config, dict):
            return error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Invalid value "
                         "at 'generation_config.image_config'.")
        size = image_config.get("imageSize")
        if size is not None and spec.sizes is None:
            return unknown_field("imageSize")
        if size is not None and spec.sizes is not None and (
                not isinstance(size, str) or size not in spec.sizes):
            return bad_size(str(size), record.model, tuple(spec.sizes))
        ratio = image_config.get("aspectRatio")
        if ratio is not None and (not isinstance(ratio, str) or ratio not in spec.ratios):
            return bad_ratio(str(ratio), record.model, spec.ratios)
        tokens = spec.tokens_without_size if spec.sizes is None or size is None \
            else spec.sizes[size]
        return success(square_png(size if spec.sizes is not None else None),
                       model=record.model, thoughts=spec.thinks, image_tokens=tokens,
                       text_tokens=self.text_tokens,
                       model_status=self.model_status.get(record.model))


def _make_handler(standin: GeminiStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as the client's pool expects

        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            self._handle()

        def do_POST(self) -> None:
            self._handle()

        def _handle(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            record = Recorded(self.command, parts.path, parts.query,
                              {k.lower(): v for k, v in self.headers.items()}, body,
                              standin.clock())
            with standin._lock:
                standin._records.append(record)
                standin._in_flight += 1
                standin.max_in_flight = max(standin.max_in_flight, standin._in_flight)
            try:
                answer = standin._decide(record)
                standin._stop.wait(standin.latency + answer.delay)
                record.outcome = self._send(answer)
            except OSError:
                record.outcome = "aborted"  # the client gave up (read timeout) first
                self.close_connection = True
            finally:
                record.ended = standin.clock()
                with standin._lock:
                    standin._in_flight -= 1

        def _send(self, answer: Answer) -> str:
            if isinstance(answer.body, dict | list):
                payload = json.dumps(answer.body).encode()
            elif isinstance(answer.body, str):
                payload = answer.body.encode()
            else:
                payload = answer.body or b""
            if answer.drop == "before_answer":
                self._drop()
                return "dropped"
            self.send_response(answer.status)
            headers = {"content-type": "application/json; charset=UTF-8", **answer.headers}
            for name, value in headers.items():
                self.send_header(name, value)
            length = answer.huge or len(payload)
            if answer.declare_length:
                self.send_header("content-length", str(length))
            else:
                self.send_header("connection", "close")
                self.close_connection = True
            self.end_headers()
            if answer.huge:
                return self._send_huge(answer.huge)
            if answer.trickle:
                return self._send_trickle(payload, answer.trickle, answer.status)
            if answer.drop == "mid_body":
                self.wfile.write(payload[: len(payload) // 2] or b"{")
                self._drop()
                return "dropped"
            self.wfile.write(payload)
            self.wfile.flush()
            return str(answer.status)

        def _send_huge(self, size: int) -> str:
            """A JSON string that never ends, a megabyte at a time: stops when the client
            hangs up. ``standin.huge_sent`` says how much went out."""
            chunk = b"A" * (1 << 20)
            self.wfile.write(b'{"candidates": [{"content": {"parts": [{"text": "')
            sent = 0
            try:
                while sent < size and not standin._stop.is_set():
                    self.wfile.write(chunk[: min(len(chunk), size - sent)])
                    sent += min(len(chunk), size - sent)
            finally:
                standin.huge_sent = sent
            return "huge"

        def _send_trickle(self, payload: bytes, every: float, status: int) -> str:
            """One byte per ``every`` seconds: each read gets something, the whole never
            comes in time."""
            for n in range(len(payload)):
                if standin._stop.wait(every):
                    return "stopped"
                self.wfile.write(payload[n:n + 1])
                self.wfile.flush()
            return str(status)

        def _drop(self) -> None:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
            self.close_connection = True

    return Handler


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--rpm-limit", type=int, default=None)
    parser.add_argument("--rpm-window", type=float, default=60.0)
    args = parser.parse_args()
    server = GeminiStandIn(latency=args.latency, rpm_limit=args.rpm_limit,
                           rpm_window=args.rpm_window).start()
    print(f"NANO_BANANA_API_URL={server.url}\nNANO_BANANA_API_KEY={server.api_key}", flush=True)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()
