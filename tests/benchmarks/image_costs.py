"""Micro-benchmark: milliseconds per image step for one phone-sized photo (4000x3000 JPEG).

Prints the median of several runs for each step of the mock pipeline (read, prepare, mock render,
result thumbnail), the inner steps of prepare, and vipsthumbnail's time for a 256 px thumbnail of
the same file when it is installed (the batch target is at most twice vipsthumbnail).

    .venv/bin/python tests/benchmarks/image_costs.py [--runs 15] [--photo some.jpg]
"""

from __future__ import annotations

import argparse
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.images import intake, thumbnails
from app.images.mock_render import render_mock_result
from app.services.styles import get_style
from tests.benchmarks.timing import median_ms


def make_photo(path: Path) -> Path:
    """A product on a grainy table with sensor noise, saved as a phone would (quality 90)."""
    rng = random.Random(7)
    photo = Image.new("RGB", (4000, 3000), (176, 164, 150))
    draw = ImageDraw.Draw(photo)
    for y in range(0, 3000, 6):
        shade = 150 + rng.randint(-18, 18)
        draw.line([(0, y), (4000, y + rng.randint(-30, 30))], fill=(shade, shade - 12, shade - 25),
                  width=3)
    noise = Image.effect_noise((4000, 3000), 24).convert("RGB")
    photo = Image.blend(photo, noise, 0.12).filter(ImageFilter.GaussianBlur(1.2))
    draw = ImageDraw.Draw(photo)
    draw.rounded_rectangle((1200, 600, 2700, 2500), 120, fill=(40, 90, 160))
    draw.ellipse((1500, 900, 2400, 1500), fill=(240, 240, 235))
    photo.save(path, "JPEG", quality=90)
    return path


def vips_ms(photo: Path, runs: int) -> float | None:
    tool = shutil.which("vipsthumbnail")
    if tool is None:
        return None
    with tempfile.TemporaryDirectory() as out:
        command = [tool, "-s", "256", "-o", f"{out}/%s.jpg", *[str(photo)] * runs]
        started = time.perf_counter()
        subprocess.run(command, check=True)
        return (time.perf_counter() - started) / runs * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--photo", type=Path, help="use this photo instead of a generated one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="productsnap-costs-") as tmp:
        photo = args.photo or make_photo(Path(tmp) / "photo.jpg")
        raw = intake.read_photo(photo)
        prepared = intake.prepare_photo(raw)
        square, banner = get_style("studio_white"), get_style("banner")
        portrait = get_style("lifestyle_kitchen")
        result = render_mock_result(prepared.data, square)
        decoded, _ = intake.decode_image(raw, box=(intake.MAX_UPLOAD_EDGE,) * 2,
                                         keep_edge=intake.KEEP_UPLOAD_EDGE)
        steps: list[tuple[str, Callable[[], object]]] = [
            ("read_photo", lambda: intake.read_photo(photo)),
            ("  decode (draft, orient, sRGB)", lambda: intake.decode_image(
                raw, box=(intake.MAX_UPLOAD_EDGE,) * 2, keep_edge=intake.KEEP_UPLOAD_EDGE)),
            ("  encode upload JPEG", lambda: thumbnails.encode(decoded, intake.UPLOAD_QUALITY)),
            ("  thumbnail 512 px", lambda: thumbnails.thumbnail_copy(decoded)),
            ("prepare_photo", lambda: intake.prepare_photo(raw)),
            ("render_mock_result 1:1", lambda: render_mock_result(prepared.data, square)),
            ("render_mock_result 4:5", lambda: render_mock_result(prepared.data, portrait)),
            ("render_mock_result 16:9", lambda: render_mock_result(prepared.data, banner)),
            ("make_thumbnail (result)", lambda: intake.make_thumbnail(result)),
        ]
        print(f"photo: {Image.open(photo).size} JPEG, {len(raw) / 1e6:.1f} MB; upload "
              f"{prepared.size}, {len(prepared.data) / 1e3:.0f} KB")
        costs = {}
        for label, step in steps:
            costs[label] = median_ms(step, args.runs)
            print(f"{label:34} {costs[label]:7.1f} ms")
        total = sum(costs[name] for name in ("read_photo", "prepare_photo",
                                             "render_mock_result 1:1", "make_thumbnail (result)"))
        print(f"{'mock pipeline per photo':34} {total:7.1f} ms")
        vips = vips_ms(photo, args.runs)
        if vips is not None:
            label = "vipsthumbnail -s 256 (per photo)"
            print(f"{label:34} {vips:7.1f} ms   serial ratio {total / vips:.2f}")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"{'peak memory (this process)':34} {peak:7.0f} MB")


if __name__ == "__main__":
    main()
