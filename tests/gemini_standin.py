"""A stand-in for Google's Gemini REST API: a real HTTP server on 127.0.0.1 for tests and the
pacing benchmark. It answers like shared/reference/gemini-rest.md, checks the key and the body,
and records every request (path, headers, body, arrival time, how it ended).

    server = GeminiStandIn(latency=0.5, rpm_limit=10).start()
    ...  # point NANO_BANANA_API_URL at server.url
    server.stop()

Scripted answers (``enqueue``) are used in order, one per request after the key and rate checks;
without one, generateContent succeeds with a real PNG and GET models/<id> returns metadata.
Run ``python -m tests.gemini_standin --latency 1 --rpm-limit 10`` to serve from a shell.
"""

from __future__ import annotations

import base64
import binascii
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
from urllib.parse import urlsplit

API_KEY = "test-key-0123456789"
MODELS = ("gemini-2.5-flash-image", "gemini-3.1-flash-image", "gemini-3-pro-image")
TYPE = "type.googleapis.com/google.rpc."


def make_png(width: int = 8, height: int = 8, rgb: tuple[int, int, int] = (200, 40, 40)) -> bytes:
    """A real, valid PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows))
            + chunk(b"IEND", b""))


PNG = make_png()


@dataclass
class Answer:
    status: int = 200
    body: Any = None  # dict/list: sent as JSON; str/bytes: sent as is
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before answering, on top of the server's latency
    drop: str | None = None  # "before_answer" or "mid_body": close the socket instead


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

def success(image: bytes = PNG, mime: str = "image/png", text: str | None = "Here you go.",
            thoughts: bool = False, model: str = MODELS[0]) -> Answer:
    parts: list[dict[str, Any]] = []
    if thoughts:  # Gemini 3 sends its draft, text and image, marked as thoughts
        parts += [{"text": "Planning the backdrop...", "thought": True},
                  {"inlineData": {"mimeType": "image/jpeg",
                                  "data": base64.b64encode(b"\xff\xd8\xffdraft").decode()},
                   "thought": True}]
    if text is not None:
        parts.append({"text": text})
    parts.append({"inlineData": {"mimeType": mime, "data": base64.b64encode(image).decode()}})
    output = 1290 if model.startswith("gemini-2.5") else 1120
    usage: dict[str, Any] = {"promptTokenCount": 298, "candidatesTokenCount": output,
                             "totalTokenCount": 298 + output}
    if thoughts:
        usage["thoughtsTokenCount"] = 200
    return Answer(body={
        "candidates": [{"content": {"role": "model", "parts": parts}, "finishReason": "STOP",
                        "index": 0}],
        "usageMetadata": usage, "modelVersion": model, "responseId": "standin",
        "serviceTier": "standard",  # unknown keys appear over time: clients must ignore them
    })


def prompt_blocked(reason: str = "OTHER") -> Answer:
    return Answer(body={"promptFeedback": {"blockReason": reason},
                        "usageMetadata": {"promptTokenCount": 298, "totalTokenCount": 298}})


def finished(reason: str, parts: list[dict[str, Any]] | None = None,
             message: str | None = None) -> Answer:
    candidate: dict[str, Any] = {"finishReason": reason, "index": 0}
    if parts is not None:
        candidate["content"] = {"role": "model", "parts": parts}
    if message:
        candidate["finishMessage"] = message
    return Answer(body={"candidates": [candidate], "usageMetadata": {"promptTokenCount": 298}})


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
    return error(400, "FAILED_PRECONDITION", "User location is not supported for the API use "
                 "without a billing account linked.")


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
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.api_key = api_key
        self.models = models
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
        if record.model not in self.models:
            return model_not_found(record.model)
        if record.method == "GET":
            return Answer(body={"name": f"models/{record.model}", "displayName": record.model,
                                "supportedGenerationMethods": ["generateContent"]})
        return self._generate(record)

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
        if "imageSize" in config.get("imageConfig", {}) and record.model.startswith("gemini-2"):
            return error(400, "INVALID_ARGUMENT", "imageSize is not supported by this model.")
        return success(model=record.model, thoughts=record.model.startswith("gemini-3"))


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
            self.send_header("content-length", str(len(payload)))
            self.end_headers()
            if answer.drop == "mid_body":
                self.wfile.write(payload[: len(payload) // 2] or b"{")
                self._drop()
                return "dropped"
            self.wfile.write(payload)
            self.wfile.flush()
            return str(answer.status)

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
