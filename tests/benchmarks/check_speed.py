"""Micro-benchmark: milliseconds for the local checks of one 2048 x 2048 image.

Four files are made on the spot: a packshot on pure white and a product on a busy, noisy scene,
each as JPEG (quality 90) and PNG. For each it prints the median of ``--runs`` runs of
``check_image`` (the whole check from the file's bytes), the decode alone (Pillow reading the
pixels), the judging alone (what the checks add to the decode), and ``background_mask`` at full
resolution (what an export that snaps the background uses). Target: the check under 30 ms.

    .venv/bin/python tests/benchmarks/check_speed.py [--runs 20]
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.checks.image_checks import background_mask, check_image
from app.checks.presets import get_preset
from tests.benchmarks.timing import median_ms

EDGE = 2048


def white_packshot() -> Image.Image:
    image = Image.new("RGB", (EDGE, EDGE), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((330, 140, 1720, 1900), 160, fill=(40, 90, 160))
    draw.ellipse((620, 500, 1430, 1100), fill=(240, 240, 235))
    draw.text((700, 1300), "ACME", fill=(250, 250, 250), font_size=180)
    return image


def busy_scene() -> Image.Image:
    grain = Image.effect_noise((EDGE, EDGE), 50)
    scene = Image.merge("RGB", (grain, grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT),
                                Image.linear_gradient("L").resize((EDGE, EDGE))))
    scene = scene.filter(ImageFilter.GaussianBlur(0.8))
    ImageDraw.Draw(scene).rounded_rectangle((500, 400, 1550, 1700), 120, fill=(200, 30, 40))
    return scene


def encode(image: Image.Image, fmt: str) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, quality=90)
    return buffer.getvalue()


def decode(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    runs = parser.parse_args().runs
    preset = get_preset("amazon")
    print(f"check of one {EDGE} x {EDGE} image, median of {runs} runs, CPU ms (wall ms)")
    print(f"{'image':<14}{'file':>9}{'check':>9}{'(wall)':>8}{'decode':>9}{'judging':>9}"
          f"{'mask':>9}  verdict")
    for label, image in (("white", white_packshot()), ("busy", busy_scene())):
        for fmt in ("JPEG", "PNG"):
            data = encode(image, fmt)
            name = f"shot.{'jpg' if fmt == 'JPEG' else 'png'}"
            # CPU of this process: Pillow's work here is single-threaded, so this is the wall
            # time on an idle machine, and it holds steady on a busy one.
            cpu = time.process_time
            total = median_ms(lambda data=data, name=name: check_image(data, preset, file=name),
                              runs, cpu)
            wall = median_ms(
                lambda data=data, name=name: check_image(data, preset, file=name), runs)
            decoding = median_ms(lambda data=data: decode(data), runs, cpu)
            pixels = decode(data)
            mask = median_ms(lambda pixels=pixels: background_mask(pixels), runs, cpu)
            verdicts = " ".join(f"{c.id}={c.verdict}"
                                for c in check_image(data, preset, file=name).checks[1:])
            print(f"{label + ' ' + fmt:<14}{len(data) / 1e6:>7.1f}MB{total:>9.1f}"
                  f"{f'({wall:.1f})':>8}{decoding:>9.1f}{total - decoding:>9.1f}{mask:>9.1f}"
                  f"  {verdicts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
