"""Requests with an overall deadline and a size cap, that a stop can abort at once.

httpx bounds each read, not the whole exchange: a server that trickles a byte a second keeps a
request alive for as long as it likes, and a request waiting for its answer cannot be woken from
another thread. So generateContent requests run as tasks on one event loop thread per client:
``asyncio.timeout`` bounds the whole exchange, the answer is read as it streams and refused past
the cap (memory stays bounded), and ``abort`` cancels every task in flight at once.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass

import httpx

MAX_ANSWER_BYTES = 64 * 1024 * 1024  # a 4K PNG in base64 with its JSON is well under this
_POLL_S = 0.2


class AnswerTooLargeError(Exception):
    """The answer grew past the cap while it streamed (or said so in advance)."""

    def __init__(self, received: int, cap: int) -> None:
        super().__init__(f"answer larger than {cap} bytes ({received} received)")
        self.received = received


class DeadlineExceededError(Exception):
    """The whole exchange took longer than the deadline."""


class AbortedError(Exception):
    """The request was aborted by a stop (it may have been paid: the caller keeps the job)."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    headers: httpx.Headers
    content: bytes


class BoundedRequests:
    def __init__(self, make_client: Callable[[], httpx.AsyncClient], *,
                 max_bytes: int = MAX_ANSWER_BYTES) -> None:
        self.max_bytes = max_bytes
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="gemini-requests",
                                        daemon=True)
        self._thread.start()
        self._client = asyncio.run_coroutine_threadsafe(self._make(make_client),
                                                        self._loop).result()
        self._aborting = threading.Event()
        self._in_flight: set[concurrent.futures.Future[Answer]] = set()
        self._lock = threading.Lock()

    @staticmethod
    async def _make(make_client: Callable[[], httpx.AsyncClient]) -> httpx.AsyncClient:
        return make_client()  # made on the loop that will use it

    def post(self, url: str, body: bytes, headers: dict[str, str],
             deadline_s: float) -> Answer:
        """POST and read the whole answer. Raises DeadlineExceededError, AnswerTooLargeError,
        AbortedError, or httpx's own errors for the network."""
        if self._aborting.is_set():
            raise AbortedError("stopping")
        future = asyncio.run_coroutine_threadsafe(
            self._post(url, body, headers, deadline_s), self._loop)
        with self._lock:
            self._in_flight.add(future)
        try:
            while True:
                try:
                    return future.result(timeout=_POLL_S)
                except concurrent.futures.TimeoutError:
                    if self._aborting.is_set():
                        future.cancel()
                except concurrent.futures.CancelledError:
                    raise AbortedError("aborted while the request was in flight") from None
        finally:
            with self._lock:
                self._in_flight.discard(future)

    async def _post(self, url: str, body: bytes, headers: dict[str, str],
                    deadline_s: float) -> Answer:
        try:
            async with asyncio.timeout(deadline_s):
                async with self._client.stream("POST", url, content=body,
                                               headers=headers) as response:
                    declared = response.headers.get("content-length", "")
                    if declared.isdigit() and int(declared) > self.max_bytes:
                        raise AnswerTooLargeError(int(declared), self.max_bytes)
                    received = bytearray()
                    async for chunk in response.aiter_bytes():
                        received += chunk
                        if len(received) > self.max_bytes:
                            raise AnswerTooLargeError(len(received), self.max_bytes)
                    return Answer(response.status_code, response.headers, bytes(received))
        except TimeoutError:
            raise DeadlineExceededError(f"no whole answer within {deadline_s:.0f} s") from None

    @property
    def in_flight(self) -> int:
        with self._lock:
            return len(self._in_flight)

    def abort(self) -> None:
        """Cancel every request in flight now, and refuse new ones."""
        self._aborting.set()
        with self._lock:
            futures = list(self._in_flight)
        for future in futures:
            future.cancel()

    def close(self) -> None:
        self.abort()
        if self._loop.is_closed():
            return
        closing = asyncio.run_coroutine_threadsafe(self._client.aclose(), self._loop)
        with contextlib.suppress(concurrent.futures.TimeoutError, httpx.HTTPError):
            closing.result(timeout=5)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(5)
        if not self._thread.is_alive():
            self._loop.close()
