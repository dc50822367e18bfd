"""A sliding-window request limiter: never more than N request starts in any window.

A token bucket lets a full bucket burst on top of the steady rate, which can put 2N requests
into one minute; Google counts requests per minute, so the app remembers when each of the
last N requests started and waits until the oldest has left the window.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from app.services.errors import CancelledError, StoppedError


class SlidingWindowLimiter:
    """Thread-safe. ``acquire()`` blocks until a request may start, and records that start."""

    def __init__(self, max_requests: int, window: float = 60.0,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if max_requests < 1:
            raise ValueError("max_requests must be at least 1")
        if window <= 0:
            raise ValueError("window must be positive")
        self.max_requests = max_requests
        self.window = window
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()
        self._lock = threading.Lock()

    def _prune(self, now: float) -> None:
        # A start stays counted while it is inside the half-open window (now - window, now].
        while self._starts and self._starts[0] <= now - self.window:
            self._starts.popleft()

    def try_acquire(self) -> float:
        """Record a start and return 0 if one is allowed now, else how long to wait."""
        with self._lock:
            now = self._clock()
            self._prune(now)
            if len(self._starts) < self.max_requests:
                self._starts.append(now)
                return 0.0
            return max(self._starts[0] + self.window - now, 1e-3)

    def acquire(self, cancel: threading.Event | None = None,
                stop: threading.Event | None = None) -> None:
        """Block until a request may start; raises CancelledError once ``cancel`` is set (the
        user cancelled the job), StoppedError once ``stop`` is (the app is stopping)."""
        while True:
            if stop is not None and stop.is_set():
                raise StoppedError("stopped while waiting for the request rate limit")
            if cancel is not None and cancel.is_set():
                raise CancelledError("cancelled while waiting for the request rate limit")
            wait = self.try_acquire()
            if wait == 0.0:
                return
            event = cancel or stop
            if event is not None and self._sleep is time.sleep:
                # Wakes at once on the event instead of sleeping it out; in short slices
                # when there is a second event to watch.
                event.wait(wait if cancel is None or stop is None else min(wait, 0.25))
            else:
                self._sleep(wait)

    def set_limit(self, max_requests: int) -> None:
        """Change N and keep the starts already counted (a settings change mid-batch must not
        forget the requests of the last minute)."""
        if max_requests < 1:
            raise ValueError("max_requests must be at least 1")
        with self._lock:
            self.max_requests = max_requests

    def recent_starts(self) -> list[float]:
        """Start times still inside the window (for diagnostics and tests)."""
        with self._lock:
            self._prune(self._clock())
            return list(self._starts)
