"""The one way the benchmarks time a step: warmed once, then the median of ``runs``."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_ms(step: Callable[[], object], runs: int,
              clock: Callable[[], float] = time.perf_counter) -> float:
    """Median milliseconds a run of ``step`` takes by ``clock``, after one warm-up run
    (imports, lazily built tables, first-use allocations). ``time.process_time`` gives the
    CPU of this process instead of wall time: steadier on a busy machine."""
    step()
    times = []
    for _ in range(runs):
        started = clock()
        step()
        times.append(clock() - started)
    return statistics.median(times) * 1000
