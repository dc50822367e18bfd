"""Benchmark: how well and how fast the local cut-out finds the product in a phone photo.

Fifteen synthetic phone photos with known true masks are made on the spot (seeded, the same
every run): a bottle, a mug with a handle (the hole in the handle is background), a box, a shoe
and a ring (its hole is background), each in three conditions: ``normal`` (a coloured product on
a wall and a wooden table), ``white`` (a white product on a light wall and a white table) and
``dark`` (a dark product on a dark wall and a slate table). Like a phone's: the product is
shaded with a highlight, the wall has a gradient and blotches, the table a grain, a soft
shadow lies under the product, its edge is softened by the lens (1.2 px), then sensor noise
and JPEG compression (quality 85).

Quality is measured at the full 4000 x 3000 (12 megapixels), from the JPEG bytes through
``decode_image(raw, box=(4096, 4096))`` and ``cut_out``, with and without ``refine_edges``:

- IoU: the mask at 128 and above against the true mask at 128 and above;
- edge error: the mean absolute alpha error (0..1, shown in percent) in a band 4 px either side
  of the true edge (every pixel whose 9 x 9 neighbourhood holds both product and background),
  against the true soft alpha. 0 % is a perfect edge, 100 % an edge wholly on the wrong side.

Time is the median of ``--runs`` runs per 12-megapixel photo (bytes to mask; the model is loaded
beforehand, and its loading is timed separately), wall clock on this machine's cores, with
the CPU time beside it (the wall time grows when other programs share the cores; the load
average is printed too).
Targets: mean IoU >= 0.95, worst IoU >= 0.6, under 1 s a photo.

    .venv/bin/python tests/benchmarks/cutout_quality.py [--runs 5] [--size 4000x3000]

Exit code 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.images.cutout import cut_out, model
from app.images.intake import decode_image

PRODUCTS = ("bottle", "mug", "box", "shoe", "ring")
CONDITIONS = ("normal", "white", "dark")
SIZE = (4000, 3000)
BAND = 4  # px either side of the true edge, for the edge error
EDGE_SOFTNESS = 1.2  # px: the lens's blur of the product's outline
NOISE = 2.5  # sensor noise, standard deviation in 8-bit levels
QUALITY = 85
TARGET_MEAN_IOU = 0.95
TARGET_WORST_IOU = 0.6
TARGET_SECONDS = 1.0

Floats = npt.NDArray[np.float32]
RGB = tuple[int, int, int]
Point = tuple[float, float]


@dataclass(frozen=True)
class Scene:
    product: str
    condition: str
    jpeg: bytes
    truth: Image.Image  # mode L, the true soft alpha at the photo's size (255 is the product)


@dataclass(frozen=True)
class Palette:
    wall: RGB
    table: RGB
    grain: float  # the table's grain contrast, 0..1
    main: RGB  # the product's body
    second: RGB  # a cap, label, sole or stone
    gloss: float  # highlight strength


PALETTES = {
    "normal": {
        "bottle": Palette((206, 198, 184), (150, 104, 68), 0.10, (28, 104, 196), (225, 40, 40), .5),
        "mug": Palette((190, 204, 210), (160, 118, 80), 0.10, (198, 52, 44), (120, 30, 26), 0.5),
        "box": Palette((214, 210, 200), (120, 86, 60), 0.12, (178, 134, 86), (40, 60, 140), 0.1),
        "shoe": Palette((200, 196, 188), (140, 100, 66), 0.10, (34, 156, 120), (240, 240, 236),
                        0.2),
        "ring": Palette((196, 190, 204), (96, 70, 52), 0.12, (214, 172, 60), (180, 220, 250), .6),
    },
    "white": {
        name: Palette((236, 235, 232), (228, 226, 222), 0.02, (244, 244, 242), (226, 228, 232),
                      0.15) for name in PRODUCTS
    },
    "dark": {
        name: Palette((62, 60, 58), (46, 46, 50), 0.05, (30, 30, 34), (52, 50, 56), 0.35)
        for name in PRODUCTS
    },
}


# --- drawing -------------------------------------------------------------------------------


def chaikin(points: list[Point], rounds: int = 4) -> list[Point]:
    """A closed polygon with its corners cut round ``rounds`` times: a smooth outline."""
    for _ in range(rounds):
        smooth: list[Point] = []
        for i, (x0, y0) in enumerate(points):
            x1, y1 = points[(i + 1) % len(points)]
            smooth += [(0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1),
                       (0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1)]
        points = smooth
    return points


class Canvas:
    """The product drawn part by part in its own box: unit coordinates scaled by ``scale``."""

    def __init__(self, size: tuple[int, int], scale: float) -> None:
        self.size, self.scale = size, scale
        self.colour = np.zeros((size[1], size[0], 3), dtype=np.float32)
        self.cover = Image.new("L", size, 0)
        ys, xs = np.mgrid[0:size[1], 0:size[0]].astype(np.float32)
        self.u, self.v = xs / np.float32(scale), ys / np.float32(scale)

    def part(self, draw: Callable[[ImageDraw.ImageDraw, float], None], colour: RGB,
             shade: Floats | float, gloss: Floats | float = 0.0, hole: bool = False) -> None:
        """Paint a part (over what is there), or with ``hole`` cut it out of the product."""
        shape = Image.new("L", self.size, 0)
        draw(ImageDraw.Draw(shape), self.scale)
        if hole:
            self.cover.paste(0, (0, 0), shape)
            return
        self.cover.paste(255, (0, 0), shape)
        where = np.asarray(shape) > 0
        value = np.asarray(colour, dtype=np.float32) * np.asarray(shade, dtype=np.float32)[
            ..., np.newaxis] + np.asarray(gloss, dtype=np.float32)[..., np.newaxis] * 255
        self.colour[where] = np.broadcast_to(value, self.colour.shape)[where]


def cylinder(u: Floats, left: float, right: float, gloss: float) -> tuple[Floats, Floats]:
    """Shade and highlight across a vertical cylinder from ``left`` to ``right``."""
    across = np.clip((u - (left + right) / 2) / ((right - left) / 2), -1, 1)
    shade = 0.55 + 0.45 * np.sqrt(1 - across**2) - 0.12 * across
    highlight = gloss * np.exp(-(((across + 0.45) / 0.09) ** 2))
    return shade.astype(np.float32), highlight.astype(np.float32)


def rect(x0: float, y0: float, x1: float, y1: float, radius: float = 0.0,
         ) -> Callable[[ImageDraw.ImageDraw, float], None]:
    def draw(pen: ImageDraw.ImageDraw, s: float) -> None:
        pen.rounded_rectangle((x0 * s, y0 * s, x1 * s, y1 * s), radius * s, fill=255)
    return draw


def ellipse(x0: float, y0: float, x1: float, y1: float,
            ) -> Callable[[ImageDraw.ImageDraw, float], None]:
    def draw(pen: ImageDraw.ImageDraw, s: float) -> None:
        pen.ellipse((x0 * s, y0 * s, x1 * s, y1 * s), fill=255)
    return draw


def polygon(points: list[Point]) -> Callable[[ImageDraw.ImageDraw, float], None]:
    def draw(pen: ImageDraw.ImageDraw, s: float) -> None:
        pen.polygon([(x * s, y * s) for x, y in points], fill=255)
    return draw


# Each product in unit coordinates: (width, height) of its box, and how to draw it.
UNITS: dict[str, tuple[float, float]] = {"bottle": (0.40, 1.0), "mug": (1.2, 1.0),
                                         "box": (1.3, 1.0), "shoe": (2.6, 1.0),
                                         "ring": (1.0, 1.12)}


def draw_bottle(c: Canvas, p: Palette) -> None:
    shade, gloss = cylinder(c.u, 0.0, 0.40, p.gloss)
    neck_shade, neck_gloss = cylinder(c.u, 0.14, 0.26, p.gloss)
    outline = chaikin([(0.0, 0.98), (0.0, 0.40), (0.06, 0.30), (0.14, 0.24), (0.14, 0.10),
                       (0.26, 0.10), (0.26, 0.24), (0.34, 0.30), (0.40, 0.40), (0.40, 0.98),
                       (0.36, 1.0), (0.04, 1.0)], 3)
    c.part(polygon(outline), p.main, shade, gloss)
    c.part(rect(0.0, 0.56, 0.40, 0.82), p.second if p.main[0] > 60 and p.main[0] < 200
           else p.main, shade * 0.95 + 0.05, gloss * 0.3)
    c.part(rect(0.13, 0.0, 0.27, 0.11, 0.015), p.second, neck_shade, neck_gloss * 0.5)


def draw_mug(c: Canvas, p: Palette) -> None:
    shade, gloss = cylinder(c.u, 0.0, 0.80, p.gloss)
    handle_shade = (0.5 + 0.4 * np.clip(1 - np.abs(c.v - 0.5) * 2.2, 0, 1)).astype(np.float32)
    c.part(ellipse(0.50, 0.18, 1.12, 0.82), p.main, handle_shade * 0.9)
    c.part(ellipse(0.62, 0.32, 1.00, 0.68), p.main, 1.0, hole=True)
    c.part(rect(0.0, 0.06, 0.80, 1.0, 0.05), p.main, shade, gloss)
    c.part(ellipse(0.0, 0.0, 0.80, 0.12), p.main, shade * 0.9)
    c.part(ellipse(0.03, 0.015, 0.77, 0.105), p.second, 0.55)  # the inside, in shadow


def draw_box(c: Canvas, p: Palette) -> None:
    rise = (0.2 * (1 - c.v)).astype(np.float32)
    c.part(polygon([(0.0, 0.28), (0.88, 0.28), (1.28, 0.02), (0.40, 0.02)]), p.main, 1.0)
    c.part(polygon([(0.88, 0.28), (1.28, 0.02), (1.28, 0.74), (0.88, 1.0)]), p.main,
           0.62 + rise * 0.3)
    c.part(rect(0.0, 0.28, 0.88, 1.0), p.main, 0.84 + rise * 0.3)
    c.part(rect(0.18, 0.46, 0.70, 0.66, 0.03), p.second, 0.84)  # the printed logo


def draw_shoe(c: Canvas, p: Palette) -> None:
    upper = chaikin([(0.06, 0.82), (0.0, 0.55), (0.06, 0.22), (0.16, 0.06), (0.34, 0.10),
                     (0.62, 0.28), (0.82, 0.20), (0.96, 0.06), (1.08, 0.14), (1.24, 0.30),
                     (1.70, 0.46), (2.20, 0.55), (2.52, 0.66), (2.60, 0.80), (2.56, 0.84)])
    shade = (0.62 + 0.38 * np.clip(1.05 - c.v, 0, 1)).astype(np.float32)
    c.part(polygon(upper), p.main, shade, p.gloss * np.exp(-(((c.v - 0.5) / 0.06) ** 2)))
    c.part(rect(0.0, 0.78, 2.6, 1.0, 0.09), p.second, 0.9)  # the sole
    c.part(polygon([(0.9, 0.14), (1.02, 0.10), (1.5, 0.40), (1.38, 0.44)]), p.second, 0.85)


def draw_ring(c: Canvas, p: Palette) -> None:
    angle = np.arctan2(c.v - 0.62, c.u - 0.5)
    shade = (0.6 + 0.3 * np.cos(2 * angle)).astype(np.float32)
    gloss = (p.gloss * np.exp(-(((angle + 2.3) / 0.15) ** 2))).astype(np.float32)
    c.part(ellipse(0.0, 0.12, 1.0, 1.12), p.main, shade, gloss)
    c.part(ellipse(0.13, 0.25, 0.87, 0.99), p.main, 1.0, hole=True)
    c.part(polygon([(0.36, 0.16), (0.42, 0.02), (0.58, 0.02), (0.64, 0.16), (0.5, 0.24)]),
           p.second, 0.95, 0.2)  # the stone, in its setting


DRAW = {"bottle": draw_bottle, "mug": draw_mug, "box": draw_box, "shoe": draw_shoe,
        "ring": draw_ring}


def smooth_noise(rng: np.random.Generator, size: tuple[int, int], cells: int) -> Floats:
    """Low-frequency noise, -1..1-ish: a coarse random grid stretched smooth."""
    grid = rng.standard_normal((cells * size[1] // size[0] + 2, cells + 2)).astype(np.float32)
    image = Image.fromarray(grid, mode="F").resize(size, Image.Resampling.BICUBIC)
    return np.asarray(image, dtype=np.float32)


def background(rng: np.random.Generator, size: tuple[int, int], palette: Palette,
               horizon: int) -> Floats:
    """A wall (a light falling off, blotches) over a table (a grain, darker far away)."""
    width, height = size
    ys = np.arange(height, dtype=np.float32)[:, np.newaxis]
    xs = np.arange(width, dtype=np.float32)[np.newaxis, :]
    light = 1.0 - 0.10 * ((xs / width - 0.35) ** 2 + (ys / height - 0.2) ** 2)
    blotch = smooth_noise(rng, size, 6)
    wall = np.asarray(palette.wall, dtype=np.float32) * (light * (1 + 0.03 * blotch)
                                                         - 0.06 * ys / height)[..., np.newaxis]
    warp = smooth_noise(rng, size, 10) * 30
    grain = np.sin((ys * 0.9 + warp + 0.05 * xs) / 7.0) + 0.5 * np.sin((ys + warp) / 2.3)
    depth = 0.88 + 0.12 * np.clip((ys - horizon) / (height - horizon), 0, 1)
    table = np.asarray(palette.table, dtype=np.float32) * (
        depth * light * (1 + palette.grain * grain * 0.5))[..., np.newaxis]
    edge = np.clip((ys - horizon) / 3.0, 0, 1)[..., np.newaxis]  # a soft table edge
    scene: Floats = (wall * (1 - edge) + table * edge).astype(np.float32)
    return scene


def make_scene(product: str, condition: str, size: tuple[int, int] = SIZE,
               seed: int = 0) -> Scene:
    """One photo of ``product`` in ``condition``, with its true mask; the same for a seed."""
    rng = np.random.default_rng([seed, PRODUCTS.index(product), CONDITIONS.index(condition)])
    width, height = size
    palette = PALETTES[condition][product]
    unit_w, unit_h = UNITS[product]
    scale = min(0.62 * width / unit_w, 0.58 * height / unit_h) * rng.uniform(0.85, 1.0)
    box_w, box_h = round(unit_w * scale), round(unit_h * scale)
    left = round((width - box_w) / 2 + rng.uniform(-0.08, 0.08) * width)
    bottom = round(height * rng.uniform(0.80, 0.88))
    top = bottom - box_h
    horizon = round(top + box_h * rng.uniform(0.2, 0.5))
    scene = background(rng, size, palette, horizon)

    # The shadow on the table: a squashed blurred ellipse under the product, and a darker core.
    shadow = Image.new("L", size, 0)
    pen = ImageDraw.Draw(shadow)
    pen.ellipse((left - 0.05 * box_w, bottom - 0.06 * box_h, left + 1.1 * box_w,
                 bottom + 0.05 * box_h), fill=150)
    pen.ellipse((left + 0.05 * box_w, bottom - 0.02 * box_h, left + 0.95 * box_w,
                 bottom + 0.015 * box_h), fill=230)
    shadow = shadow.filter(ImageFilter.GaussianBlur(0.02 * box_w))
    darkness = 1 - 0.55 * np.asarray(shadow, dtype=np.float32)[..., np.newaxis] / 255
    scene *= darkness

    canvas = Canvas((box_w, box_h), scale)
    DRAW[product](canvas, palette)
    texture = 1 + 0.02 * smooth_noise(rng, (box_w, box_h), 12)[..., np.newaxis]
    cover = np.zeros((height, width), dtype=np.uint8)
    cover[top:bottom, left:left + box_w] = np.asarray(canvas.cover)
    alpha_image = Image.fromarray(cover, mode="L").filter(ImageFilter.GaussianBlur(EDGE_SOFTNESS))
    alpha = np.asarray(alpha_image, dtype=np.float32)[..., np.newaxis] / 255
    # Where the blurred edge reaches past the drawn product, the colour just inside it.
    margin = 8
    inside = np.asarray(canvas.cover)[..., np.newaxis] > 0
    colour = np.pad(np.where(inside, canvas.colour * texture, 0),
                    ((margin, margin), (margin, margin), (0, 0)))
    spread = Image.fromarray(np.clip(colour, 0, 255).astype(np.uint8), mode="RGB").filter(
        ImageFilter.MaxFilter(7))
    inside = np.pad(inside, ((margin, margin), (margin, margin), (0, 0)))
    colour = np.where(inside, colour, np.asarray(spread, dtype=np.float32))
    area = (slice(top - margin, bottom + margin), slice(left - margin, left + box_w + margin))
    photo = scene
    photo[area] = scene[area] * (1 - alpha[area]) + colour * alpha[area]
    photo += rng.standard_normal(photo.shape, dtype=np.float32) * np.float32(NOISE)
    pixels = np.clip(photo + 0.5, 0, 255).astype(np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels, mode="RGB").save(buffer, "JPEG", quality=QUALITY)
    return Scene(product, condition, buffer.getvalue(), alpha_image)


def scenes(size: tuple[int, int] = SIZE, seed: int = 0) -> list[Scene]:
    return [make_scene(p, c, size, seed) for p in PRODUCTS for c in CONDITIONS]


# --- measuring -----------------------------------------------------------------------------


def iou(mask: Image.Image, truth: Image.Image) -> float:
    found = np.asarray(mask) >= 128
    true = np.asarray(truth) >= 128
    union = np.count_nonzero(found | true)
    return np.count_nonzero(found & true) / union if union else 1.0


def _window_sum(values: npt.NDArray[np.int32], radius: int) -> npt.NDArray[np.int32]:
    for axis in (0, 1):
        summed = np.cumsum(values, axis=axis)
        summed = np.concatenate([np.zeros_like(np.take(summed, [0], axis=axis)), summed],
                                axis=axis)
        length = values.shape[axis]
        index = np.arange(length)
        high = np.minimum(index + radius + 1, length)
        low = np.maximum(index - radius, 0)
        values = np.take(summed, high, axis=axis) - np.take(summed, low, axis=axis)
    return values


def edge_band(truth: Image.Image, radius: int = BAND) -> npt.NDArray[np.bool_]:
    """Pixels whose (2r+1)-square neighbourhood holds both product and background."""
    true = (np.asarray(truth) >= 128).astype(np.int32)
    inside = _window_sum(true, radius)
    full = _window_sum(np.ones_like(true), radius)
    return (inside > 0) & (inside < full)


def edge_error(mask: Image.Image, truth: Image.Image, band: npt.NDArray[np.bool_]) -> float:
    found = np.asarray(mask, dtype=np.float32)[band]
    true = np.asarray(truth, dtype=np.float32)[band]
    return float(np.mean(np.abs(found - true))) / 255


def median_seconds(step: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall and CPU seconds of this process (onnxruntime's two threads included) a run."""
    walls, cpus = [], []
    for _ in range(runs):
        started, cpu = time.perf_counter(), time.process_time()
        step()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def decode(raw: bytes) -> Image.Image:
    return decode_image(raw, box=(4096, 4096))[0]


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--size", default=f"{SIZE[0]}x{SIZE[1]}")
    parser.add_argument("--save", type=Path, help="a folder for the photos, masks and truths")
    args = parser.parse_args()
    size = tuple(int(n) for n in args.size.split("x"))
    assert len(size) == 2
    started = time.perf_counter()
    model.session()
    load = time.perf_counter() - started
    print(f"model load (read, sha256, onnxruntime session): {load * 1000:.0f} ms")
    started = time.perf_counter()
    photos = scenes((size[0], size[1]))
    print(f"{len(photos)} photos of {size[0]} x {size[1]} made in "
          f"{time.perf_counter() - started:.1f} s; edge error: mean |alpha error| within "
          f"{BAND} px of the true edge")
    print(f"{'photo':<16}{'IoU':>8}{'raw IoU':>9}{'edge':>8}{'raw edge':>10}")
    rows = []
    for scene in photos:
        photo = decode(scene.jpeg)
        band = edge_band(scene.truth)
        refined = cut_out(photo).mask
        raw = cut_out(photo, refine_edges=False).mask
        row = (iou(refined, scene.truth), iou(raw, scene.truth),
               edge_error(refined, scene.truth, band), edge_error(raw, scene.truth, band))
        rows.append(row)
        print(f"{scene.product + ' ' + scene.condition:<16}{row[0]:>8.3f}{row[1]:>9.3f}"
              f"{row[2] * 100:>7.1f}%{row[3] * 100:>9.1f}%")
        if args.save:
            args.save.mkdir(parents=True, exist_ok=True)
            stem = args.save / f"{scene.product}-{scene.condition}"
            stem.with_suffix(".jpg").write_bytes(scene.jpeg)
            refined.save(f"{stem}-mask.png")
            raw.save(f"{stem}-raw.png")
            scene.truth.save(f"{stem}-truth.png")
    columns = list(zip(*rows, strict=True))
    ious, raw_ious = columns[0], columns[1]
    edges, raw_edges = columns[2], columns[3]
    print()
    print(f"{'':<16}{'refined':>10}{'raw':>10}{'gain':>10}")
    for label, ours, theirs in (("mean IoU", statistics.mean(ious), statistics.mean(raw_ious)),
                                ("median IoU", statistics.median(ious),
                                 statistics.median(raw_ious)),
                                ("worst IoU", min(ious), min(raw_ious))):
        print(f"{label:<16}{ours:>10.3f}{theirs:>10.3f}{ours - theirs:>+10.3f}")
    mean_edge, raw_edge = statistics.mean(edges), statistics.mean(raw_edges)
    print(f"{'mean edge error':<16}{mean_edge * 100:>9.1f}%{raw_edge * 100:>9.1f}%"
          f"{(mean_edge - raw_edge) * 100:>+9.1f}%")

    timed = photos[0].jpeg if size == SIZE else make_scene("bottle", "normal").jpeg
    cut_out(decode(timed))  # warm: first-run allocations
    load_average = os.getloadavg()[0]
    seconds, cpu = median_seconds(lambda: cut_out(decode(timed)), args.runs)
    raw_seconds, raw_cpu = median_seconds(lambda: cut_out(decode(timed), refine_edges=False),
                                          args.runs)
    decoding, _ = median_seconds(lambda: decode(timed), args.runs)
    print(f"\ntime per 12-megapixel photo, JPEG bytes to mask, median of {args.runs} "
          f"({os.cpu_count()} cores, load average {load_average:.1f} before):")
    print(f"  refined {seconds * 1000:.0f} ms wall ({cpu * 1000:.0f} ms CPU), "
          f"raw {raw_seconds * 1000:.0f} ms wall ({raw_cpu * 1000:.0f} ms CPU); "
          f"the decode alone {decoding * 1000:.0f} ms")
    held = resident_mb()
    model._keeper._release_if_idle(model._keeper._uses)  # what the idle timer does
    gc.collect()
    print(f"resident memory with the model loaded {held:.0f} MB; once it is let go after "
          f"{model.IDLE_RELEASE_S:.0f} s unused, {resident_mb():.0f} MB")
    met = [statistics.mean(ious) >= TARGET_MEAN_IOU, min(ious) >= TARGET_WORST_IOU,
           seconds < TARGET_SECONDS]
    print(f"target mean IoU >= {TARGET_MEAN_IOU}: {verdict(met[0])}")
    print(f"target worst IoU >= {TARGET_WORST_IOU}: {verdict(met[1])}")
    print(f"target under {TARGET_SECONDS:.0f} s a 12-megapixel photo: {verdict(met[2])}")
    return 0 if all(met) else 1


def resident_mb() -> float:
    """Resident memory now (Linux), not the peak: what letting go of the model gives back."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


if __name__ == "__main__":
    sys.exit(main())
