"""The sliding-window limiter: never more than N starts in any window, even after idle time."""

from __future__ import annotations

import threading
import time

import pytest

from app.services.errors import CancelledError
from app.services.rate_limit import SlidingWindowLimiter
from tests.fakes import FakeClock


def max_in_any_window(starts: list[float], window: float) -> int:
    # The busiest window starts at some request's start.
    return max(sum(s <= t < s + window for t in starts) for s in starts)


def test_first_n_start_at_once_then_each_waits_for_the_oldest():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, 60.0, clock=clock.now, sleep=clock.sleep)
    starts = []
    for _ in range(7):
        limiter.acquire()
        starts.append(clock.now())
    assert starts == [0.0, 0.0, 0.0, 60.0, 60.0, 60.0, 120.0]
    assert clock.sleeps == [60.0, 60.0]


def test_no_burst_after_idle_time():
    """A token bucket refilled during a quiet spell would let 2N through within a minute."""
    clock = FakeClock()
    limiter = SlidingWindowLimiter(4, 60.0, clock=clock.now, sleep=clock.sleep)
    starts = []
    clock.t = 1000.0  # long idle
    for _ in range(2):
        limiter.acquire()
        starts.append(clock.now())
    clock.t = 1050.0
    for _ in range(6):
        limiter.acquire()
        starts.append(clock.now())
    assert max_in_any_window(starts, 60.0) == 4
    assert starts == [1000.0, 1000.0, 1050.0, 1050.0, 1060.0, 1060.0, 1110.0, 1110.0]


def test_try_acquire_reports_the_wait_without_recording():
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 10.0, clock=clock.now, sleep=clock.sleep)
    assert limiter.try_acquire() == 0.0
    clock.t = 4.0
    assert limiter.try_acquire() == pytest.approx(6.0)
    assert limiter.recent_starts() == [0.0]
    clock.t = 10.0  # the first start has left the half-open window (0, 10]
    assert limiter.try_acquire() == 0.0
    assert limiter.recent_starts() == [10.0]


def test_threads_never_exceed_the_limit_in_real_time():
    window = 0.4
    limiter = SlidingWindowLimiter(3, window)
    starts: list[float] = []
    lock = threading.Lock()

    def worker() -> None:
        for _ in range(2):
            limiter.acquire()
            with lock:
                starts.append(time.monotonic())

    threads = [threading.Thread(target=worker) for _ in range(5)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(starts) == 10
    # Measured after the lock, a start may lag its recorded time by a hair: allow 20 ms.
    assert max_in_any_window(sorted(starts), window - 0.02) <= 3
    # 10 starts at 3 per 0.4 s need three full windows, and not much more.
    assert 3 * window - 0.02 <= time.monotonic() - began < 3 * window + 1.0


def test_cancel_ends_the_wait():
    clock = FakeClock()
    cancel = threading.Event()
    limiter = SlidingWindowLimiter(1, 60.0, clock=clock.now,
                                   sleep=lambda seconds: cancel.set())
    limiter.acquire(cancel)
    with pytest.raises(CancelledError):
        limiter.acquire(cancel)
    assert limiter.recent_starts() == [0.0]


def test_cancel_wakes_a_real_wait_at_once():
    limiter = SlidingWindowLimiter(1, 30.0)
    limiter.acquire()
    cancel = threading.Event()
    threading.Timer(0.1, cancel.set).start()
    began = time.monotonic()
    with pytest.raises(CancelledError):
        limiter.acquire(cancel)
    assert time.monotonic() - began < 2.0


def test_bad_arguments():
    with pytest.raises(ValueError):
        SlidingWindowLimiter(0)
    with pytest.raises(ValueError):
        SlidingWindowLimiter(1, 0)


def test_changing_the_limit_keeps_the_starts_already_counted() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, 60.0, clock=clock.now, sleep=clock.sleep)
    for _ in range(3):
        limiter.acquire()
    limiter.set_limit(4)
    limiter.acquire()  # the fourth fits at once
    assert clock.sleeps == []
    limiter.set_limit(2)
    limiter.acquire()  # now waits until only one of the four is left in the window
    assert clock.t == pytest.approx(60.0)
