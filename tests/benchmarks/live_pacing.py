"""Benchmark: live-mode pacing against the local Gemini stand-in.

The stand-in answers after 1 s and allows 12 requests per minute (a 13th inside any 60 s
window gets 429). ``productsnap generate`` runs 24 photos with ``--rpm 12 --parallel 3``.
Prints the wall time, the 429s met, the most requests in flight, and the fastest time the
limit allows. Targets: zero 429s; within 10% of that fastest time.

    .venv/bin/python tests/benchmarks/live_pacing.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.gemini_standin import API_KEY, GeminiStandIn

PHOTOS, RPM, PARALLEL, LATENCY = 24, 12, 3, 1.0


def fastest_allowed() -> float:
    """Any 60 s window holds at most RPM starts, PARALLEL at a time, each taking LATENCY."""
    starts: list[float] = []
    free_at = [0.0] * PARALLEL
    for n in range(PHOTOS):
        slot = min(range(PARALLEL), key=free_at.__getitem__)
        start = free_at[slot]
        if n >= RPM:
            start = max(start, starts[n - RPM] + 60.0)
        starts.append(start)
        free_at[slot] = start + LATENCY
    return max(free_at)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="productsnap-pacing-") as tmp, \
            GeminiStandIn(latency=LATENCY, rpm_limit=RPM, rpm_window=60.0) as server:
        folder = Path(tmp) / "photos"
        folder.mkdir()
        for n in range(PHOTOS):
            Image.new("RGB", (800, 600), (n * 9, 100, 150)).save(folder / f"p{n:02}.jpg")
        env = dict(os.environ, IMAGE_GENERATION_MODE="live", NANO_BANANA_API_KEY=API_KEY,
                   NANO_BANANA_API_URL=server.url, QT_QPA_PLATFORM="offscreen",
                   PRODUCTSNAP_DATA_DIR=str(Path(tmp) / "data"),
                   PRODUCTSNAP_OUTPUT_DIR=str(Path(tmp) / "out"))
        started = time.perf_counter()
        result = subprocess.run(
            [sys.executable, "-m", "app", "generate", str(folder), "--rpm", str(RPM),
             "--parallel", str(PARALLEL), "--json"],
            env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        completed = result.stdout.count('"status": "completed"')
        generate = [r for r in server.requests if r.method == "POST"]

    best = fastest_allowed()
    print(f"jobs completed:        {completed} of {PHOTOS} (exit code {result.returncode})")
    print(f"requests sent:         {len(generate)}")
    print(f"429s met:              {server.count_429} (target 0)")
    print(f"most in flight:        {server.max_in_flight} (limit {PARALLEL})")
    print(f"wall time:             {wall:.1f} s")
    print(f"fastest the limit allows: {best:.1f} s -> {wall / best - 1:+.1%} (target within 10%)")
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)


if __name__ == "__main__":
    main()
