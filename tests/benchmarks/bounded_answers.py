"""Benchmark: what a misbehaving server costs the app, against the local Gemini stand-in.

- huge: a 2 GB answer that never says its size, refused past the 64 MB cap as it streams;
- huge, declared: a 2 GB answer that says so in content-length, refused before reading;
- trickle: an answer sent a byte every 0.2 s, cut at a 5 s overall deadline.

Prints, for each, the wall time to the refusal and how much the process's peak resident memory
grew (the stand-in shares the process and streams its junk a megabyte at a time).

    .venv/bin/python tests/benchmarks/bounded_answers.py
"""

from __future__ import annotations

import io
import resource
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from app.services.errors import GenerationFailedError
from app.services.gemini_client import GeminiImageClient
from app.services.styles import get_style
from tests import gemini_standin as g
from tests.gemini_standin import API_KEY, GeminiStandIn


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def case(name: str, answer: g.Answer, folder: Path, photo: Path, **options: float) -> None:
    with GeminiStandIn() as server:
        server.enqueue(answer)
        client = GeminiImageClient(api_url=server.url, model="gemini-2.5-flash-image",
                                   api_key=API_KEY, spool_dir=folder / name, max_attempts=1,
                                   **options)  # type: ignore[arg-type]
        before = peak_mb()
        started = time.perf_counter()
        try:
            client.create_job(photo, get_style("studio_white"))
            outcome = "accepted (wrong!)"
        except GenerationFailedError as error:
            outcome = f"refused: {error.message}"
        took = time.perf_counter() - started
        client.close()
        sent = server.huge_sent
    print(f"{name:<15} {took:6.2f} s   peak memory +{peak_mb() - before:6.1f} MB   "
          f"sent before hang-up {sent / 1e6:8.1f} MB   {outcome}")


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        buffer = io.BytesIO()
        Image.new("RGB", (640, 480), (20, 120, 200)).save(buffer, "JPEG")
        photo = folder / "upload.jpg"
        photo.write_bytes(buffer.getvalue())
        print(f"baseline peak memory {peak_mb():.1f} MB")
        case("huge", g.Answer(huge=2 * 1024**3, declare_length=False), folder, photo)
        case("huge-declared", g.Answer(huge=2 * 1024**3), folder, photo)
        case("trickle", g.Answer(body=g.success().body, trickle=0.2), folder, photo,
             deadline_s=5.0)


if __name__ == "__main__":
    main()
