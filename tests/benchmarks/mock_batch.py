"""Benchmark: 120 phone-sized photos (4000x3000 JPEG) through mock mode, end to end.

Runs ``productsnap generate`` in a child process (as a user would) and prints photos per
second, CPU time per photo and peak memory, beside the time ``vipsthumbnail`` needs to make
256 px thumbnails of the same files. Targets: at most twice vipsthumbnail's time; peak memory
under 500 MB.

    .venv/bin/python tests/benchmarks/mock_batch.py [--photos 120] [--parallel N]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter


def make_photos(folder: Path, count: int) -> list[Path]:
    """Phone-like photos: a lit product on a textured table, with sensor noise (~3 MB each)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(7)
    base = Image.new("RGB", (4000, 3000), (176, 164, 150))
    draw = ImageDraw.Draw(base)
    for y in range(0, 3000, 6):  # table grain
        shade = 150 + rng.randint(-18, 18)
        draw.line([(0, y), (4000, y + rng.randint(-30, 30))], fill=(shade, shade - 12, shade - 25),
                  width=3)
    noise = Image.effect_noise((4000, 3000), 24).convert("RGB")
    base = Image.blend(base, noise, 0.12).filter(ImageFilter.GaussianBlur(1.2))
    paths = []
    for n in range(count):
        photo = base.copy()
        d = ImageDraw.Draw(photo)
        x = 1200 + rng.randint(-300, 300)
        colour = (rng.randint(20, 230), rng.randint(20, 230), rng.randint(20, 230))
        d.rounded_rectangle((x, 600, x + 1500, 2500), 120, fill=colour)
        d.ellipse((x + 300, 900, x + 1200, 1500), fill=(240, 240, 235))
        path = folder / f"photo_{n:03}.jpg"
        photo.save(path, "JPEG", quality=90)
        paths.append(path)
    return paths


def time_vipsthumbnail(photos: list[Path], out: Path) -> float | None:
    tool = shutil.which("vipsthumbnail")
    if tool is None:
        return None
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    subprocess.run([tool, "-s", "256", "-o", f"{out}/%s.jpg", *map(str, photos)], check=True)
    return time.perf_counter() - started


def run_batch(folder: Path, work: Path, parallel: int | None) -> tuple[float, float, float, int]:
    env = dict(os.environ, IMAGE_GENERATION_MODE="mock", QT_QPA_PLATFORM="offscreen",
               PRODUCTSNAP_DATA_DIR=str(work / "data"), PRODUCTSNAP_OUTPUT_DIR=str(work / "out"))
    args = [sys.executable, "-m", "app", "generate", str(folder)]
    if parallel:
        args += ["--parallel", str(parallel)]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(args, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        sys.exit(f"batch failed ({result.returncode}):\n{result.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    done = len(list((work / "out" / "Demo").glob("*_demo.png")))  # demo results, in Demo/
    return wall, cpu, after.ru_maxrss / 1024, done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--photos", type=int, default=120)
    parser.add_argument("--parallel", type=int, default=None, help="default: the settings' 4")
    parser.add_argument("--keep", type=Path, help="reuse/keep generated photos in this folder")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="productsnap-bench-") as tmp:
        work = Path(tmp)
        folder = args.keep or work / "photos"
        photos = sorted(folder.glob("photo_*.jpg"))[: args.photos] if folder.exists() else []
        if len(photos) < args.photos:
            print(f"making {args.photos} photos of 4000x3000 ...", file=sys.stderr)
            photos = make_photos(folder, args.photos)
        size_mb = sum(p.stat().st_size for p in photos) / len(photos) / 1e6
        vips = time_vipsthumbnail(photos, work / "vips")
        wall, cpu, peak_mb, done = run_batch(folder, work, args.parallel)

    print(f"photos:               {done} of {len(photos)} (4000x3000 JPEG, {size_mb:.1f} MB avg)")
    print(f"cores:                {os.cpu_count()}")
    print(f"mock batch wall time: {wall:.1f} s  ({done / wall:.2f} photos/s)")
    print(f"CPU time per photo:   {cpu / max(done, 1) * 1000:.0f} ms")
    print(f"peak memory:          {peak_mb:.0f} MB (target < 500 MB)")
    if vips is None:
        print("vipsthumbnail:        not installed (apt-get install libvips-tools)")
    else:
        print(f"vipsthumbnail 256 px: {vips:.1f} s  -> batch / vips = {wall / vips:.2f} "
              "(target <= 2.0)")


if __name__ == "__main__":
    main()
