"""The demo's scene backdrops, drawn procedurally with numpy and Pillow (no photographs used).

    .venv/bin/python packaging/art/make_backdrops.py [--out resources/backdrops]

Writes one JPEG per scene style of ``app.images.mock_render.SCENES``, at that style's output
size: a kitchen counter, a living-room side table, a flat stone outdoors, linen seen from above,
a soft neutral room and a wide banner with a plinth. Each surface is drawn where the scene's
anchor puts the product, so the two stay in step when either is changed. They are meant to look
plausible at thumbnail size, not to pass for photographs. Fixed seeds: the same files each run.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere: the app's own scene data

from app.images.mock_render import SCENES  # noqa: E402
from app.services.styles import get_style  # noqa: E402

Array = npt.NDArray[np.float32]
Colour = tuple[int, int, int]
SUPERSAMPLE = 3  # shapes are drawn larger and reduced, for smooth edges
QUALITY = 84
# A product stands a little in front of the middle of a round surface (table, stone, plinth):
# its bottom edge is usually its nearest point, and it should look set on the top, not behind it.
FORWARD = 0.4  # the product's anchor below the surface's centre, in shares of its half-depth


# --- small tools ---------------------------------------------------------------------------


def rgb(text: str) -> Colour:
    value = int(text.removeprefix("#"), 16)
    return (value >> 16) & 255, (value >> 8) & 255, value & 255


def fill(size: tuple[int, int], colour: Colour) -> Array:
    return np.broadcast_to(np.array(colour, np.float32), (size[1], size[0], 3)).copy()


def vertical(size: tuple[int, int], stops: Sequence[tuple[float, Colour]]) -> Array:
    """A top-to-bottom gradient through (position 0..1, colour) stops."""
    rows = np.linspace(0, 1, size[1], dtype=np.float32)
    positions = [p for p, _ in stops]
    columns = [np.interp(rows, positions, [c[band] for _, c in stops]) for band in range(3)]
    line = np.stack(columns, axis=-1).astype(np.float32)
    return np.broadcast_to(line[:, None, :], (size[1], size[0], 3)).copy()


def smooth_noise(rng: np.random.Generator, size: tuple[int, int], cells: tuple[int, int]) -> Array:
    """Values around 0 (about -1..1) varying smoothly over ``cells`` random points."""
    grid = rng.standard_normal((cells[1], cells[0])).astype(np.float32)
    low, high = float(grid.min()), float(grid.max())
    image = Image.fromarray(((grid - low) / (high - low) * 255).astype(np.uint8))
    stretched = np.asarray(image.resize(size, Image.Resampling.BICUBIC), np.float32)
    return (stretched - 127.5) / 127.5


def grain(rng: np.random.Generator, size: tuple[int, int], streaks: int) -> Array:
    """Wood grain: noise stretched sideways into streaks, with a little waviness."""
    width, height = size
    base = smooth_noise(rng, (width, height), (4, streaks))
    fine = smooth_noise(rng, (width, height), (5, streaks * 5)) * 0.45
    wave = smooth_noise(rng, (width, height), (3, 6)) * 0.5
    return (np.sin((base + wave) * math.pi * 2.0) * 0.6 + fine).astype(np.float32)


def shape_mask(size: tuple[int, int], draw: Callable[[ImageDraw.ImageDraw, float], None],
               blur: float = 0.0) -> Array:
    """A 0..1 mask of what ``draw`` paints (given a draw and the supersampling scale)."""
    big = Image.new("L", (size[0] * SUPERSAMPLE, size[1] * SUPERSAMPLE), 0)
    draw(ImageDraw.Draw(big), SUPERSAMPLE)
    small = big.reduce(SUPERSAMPLE)
    if blur:
        small = small.filter(ImageFilter.GaussianBlur(blur))
    return np.asarray(small, np.float32) / 255.0


def paint(base: Array, mask: Array, colour: Colour | Array, opacity: float = 1.0) -> None:
    alpha = (mask * opacity)[..., None]
    source = np.array(colour, np.float32) if isinstance(colour, tuple) else colour
    base *= 1 - alpha
    base += source * alpha


def blurred(layer: Array, radius: float) -> Array:
    image = Image.fromarray(np.clip(layer, 0, 255).astype(np.uint8))
    return np.asarray(image.filter(ImageFilter.GaussianBlur(radius)), np.float32)


def shade(layer: Array, factor: Array) -> Array:
    return layer * factor[..., None]


def to_image(layer: Array) -> Image.Image:
    return Image.fromarray(np.clip(np.rint(layer), 0, 255).astype(np.uint8))


def light_from_left(size: tuple[int, int], strength: float) -> Array:
    """1 + strength at the left edge, falling to 1 - strength/2 at the right."""
    columns = np.linspace(1 + strength, 1 - strength / 2, size[0], dtype=np.float32)
    return np.broadcast_to(columns[None, :], (size[1], size[0])).copy()


def vignette(size: tuple[int, int], amount: float) -> Array:
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    distance = np.hypot((xs / width - 0.5) * 1.6, (ys / height - 0.5) * 1.6)
    return (1 - amount * np.clip(distance - 0.35, 0, None) ** 2).astype(np.float32)


def ellipse(centre: tuple[float, float], radii: tuple[float, float], scale: float
            ) -> tuple[float, float, float, float]:
    (x, y), (rx, ry) = centre, radii
    return ((x - rx) * scale, (y - ry) * scale, (x + rx) * scale, (y + ry) * scale)


def anchor_y(style_id: str, height: int) -> float:
    return SCENES[style_id].anchor[1] * height


# --- the scenes ----------------------------------------------------------------------------


def kitchen(size: tuple[int, int]) -> Image.Image:
    """Light oak counter, a soft wall lit by a window on the left, a plant and a jar behind."""
    rng = np.random.default_rng(11)
    width, height = size
    edge = anchor_y("lifestyle_kitchen", height) - 0.20 * height  # the counter's back edge
    wall = vertical(size, [(0, rgb("#f3ede5")), (edge / height, rgb("#e6dccf")),
                           (1, rgb("#e6dccf"))])
    wall = shade(wall, light_from_left(size, 0.07))

    def window(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rectangle((-20 * s, 0.05 * height * s, 0.30 * width * s, 0.44 * height * s),
                       fill=255)
    paint(wall, shape_mask(size, window), rgb("#fffdf8"), 0.9)

    def mullions(draw: ImageDraw.ImageDraw, s: float) -> None:
        bar = 0.012 * width * s
        draw.rectangle((0.145 * width * s, 0.05 * height * s, 0.145 * width * s + bar,
                        0.44 * height * s), fill=255)
        draw.rectangle((0, 0.24 * height * s, 0.30 * width * s, 0.24 * height * s + bar),
                       fill=255)
    paint(wall, shape_mask(size, mullions), rgb("#d8d0c4"), 0.8)

    # A shelf-height tile line, so the wall reads as a kitchen backsplash.
    def tiles(draw: ImageDraw.ImageDraw, s: float) -> None:
        for row in range(1, 5):
            y = (edge - row * 0.045 * height) * s
            draw.line((0.32 * width * s, y, width * s, y), fill=255, width=round(2 * s))
    paint(wall, shape_mask(size, tiles), rgb("#d3c8ba"), 0.6)

    # Props on the counter, behind the product, kept to the sides.
    def pot(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.polygon([(0.03 * width * s, (edge - 0.085 * height) * s),
                      (0.17 * width * s, (edge - 0.085 * height) * s),
                      (0.15 * width * s, (edge + 0.012 * height) * s),
                      (0.05 * width * s, (edge + 0.012 * height) * s)], fill=255)
    paint(wall, shape_mask(size, pot), rgb("#c0795a"))
    for index in range(26):
        angle = rng.uniform(-2.6, -0.5)
        length = rng.uniform(0.06, 0.13) * height
        cx = 0.10 * width + math.cos(angle) * length * 0.55
        cy = edge - 0.09 * height + math.sin(angle) * length * 0.75
        green = [rgb("#5d8a4e"), rgb("#6f9c5a"), rgb("#4a7542")][index % 3]

        def leaf(draw: ImageDraw.ImageDraw, s: float, x: float = cx, y: float = cy,
                 r: float = length * 0.22) -> None:
            draw.ellipse(ellipse((x, y), (r * 1.2, r * 0.55), s), fill=255)
        paint(wall, shape_mask(size, leaf), green)

    def jar(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rounded_rectangle((0.82 * width * s, (edge - 0.12 * height) * s, 0.97 * width * s,
                                (edge + 0.014 * height) * s), radius=0.03 * width * s, fill=255)
    paint(wall, shape_mask(size, jar), rgb("#eae6df"))
    paint(wall, shape_mask(size, jar) * shade_columns(size, 0.82, 0.97), rgb("#bdb5a9"), 0.5)

    def lid(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rounded_rectangle((0.83 * width * s, (edge - 0.14 * height) * s, 0.96 * width * s,
                                (edge - 0.115 * height) * s), radius=0.01 * width * s, fill=255)
    paint(wall, shape_mask(size, lid), rgb("#b48d63"))
    picture = blurred(wall, 9)

    # The counter: oak grain in perspective, blurring towards the back.
    top = round(edge)
    depth = height - top
    world = grain(rng, (width, 1400), 60)
    t = np.linspace(0, 1, depth, dtype=np.float32)
    rows = np.clip((t ** 0.6) * 1399, 0, 1399).astype(int)  # packed tight far away
    streaks = world[rows]
    oak = fill((width, depth), rgb("#d9bc95"))
    oak = shade(oak, 1 + 0.06 * streaks)
    oak = shade(oak, (light_from_left((width, depth), 0.06)
                      * (1.05 - 0.1 * t[:, None]).astype(np.float32)))
    far, near = blurred(oak, 2.5), oak
    mix = np.clip(t * 2.5, 0, 1)[:, None, None]
    counter = far * (1 - mix) + near * mix
    # Window light glancing off the counter, on the left.
    glow = np.exp(-(((np.arange(width) / width) - 0.12) / 0.18) ** 2).astype(np.float32)
    counter += (glow[None, :, None] * (1 - t[:, None, None]) * 22)
    picture[top:] = counter
    # Where wall and counter meet, a thin dark line softened.
    line = np.zeros((height, width), np.float32)
    line[top - 2:top + 3] = 1
    paint(picture, blurred(line[..., None].repeat(3, 2) * 255, 2)[..., 0] / 255,
          rgb("#8a7660"), 0.45)
    picture = shade(picture, vignette(size, 0.35))
    return to_image(picture)


def shade_columns(size: tuple[int, int], left: float, right: float) -> Array:
    """0 at ``left`` rising to 1 at ``right`` (shares of the width): a round object's shading."""
    columns = np.clip((np.linspace(0, 1, size[0]) - left) / (right - left), 0, 1) ** 1.5
    return np.broadcast_to(columns[None, :].astype(np.float32), (size[1], size[0])).copy()


def living_room(size: tuple[int, int]) -> Image.Image:
    """A round light-wood side table in front of a linen sofa, late sun on a warm wall."""
    rng = np.random.default_rng(23)
    width, height = size
    stand = anchor_y("lifestyle_living", height)
    floor = stand + 0.06 * height
    room = vertical(size, [(0, rgb("#eee5da")), (floor / height - 0.01, rgb("#e0d3c2")),
                           (floor / height, rgb("#bfa27f")), (1, rgb("#a98a66"))])

    def sun(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.polygon([(0.55 * width * s, 0.02 * height * s), (0.92 * width * s, 0.0),
                      (0.80 * width * s, 0.46 * height * s), (0.44 * width * s, 0.50 * height * s)],
                     fill=255)
    paint(room, shape_mask(size, sun, blur=30), rgb("#fff4df"), 0.55)

    def frame(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rectangle((0.66 * width * s, 0.12 * height * s, 0.90 * width * s,
                        0.34 * height * s), fill=255)
    paint(room, shape_mask(size, frame), rgb("#9c7b58"))

    def print_(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rectangle((0.675 * width * s, 0.13 * height * s, 0.885 * width * s,
                        0.33 * height * s), fill=255)
    paint(room, shape_mask(size, print_), rgb("#f5efe6"))

    def print_sun(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.ellipse(ellipse((0.78 * width, 0.22 * height), (0.05 * width, 0.05 * width), s),
                     fill=255)
    paint(room, shape_mask(size, print_sun), rgb("#d08a5e"))

    def sofa(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rounded_rectangle((-0.1 * width * s, 0.42 * height * s, 0.62 * width * s,
                                floor * s), radius=0.05 * width * s, fill=255)
    paint(room, shape_mask(size, sofa), rgb("#cdc3b4"))

    def cushions(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rounded_rectangle((0.02 * width * s, 0.45 * height * s, 0.27 * width * s,
                                0.60 * height * s), radius=0.03 * width * s, fill=255)
        draw.rounded_rectangle((0.30 * width * s, 0.45 * height * s, 0.56 * width * s,
                                0.60 * height * s), radius=0.03 * width * s, fill=255)
    paint(room, shape_mask(size, cushions), rgb("#ddd4c6"))

    def throw(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rounded_rectangle((0.12 * width * s, 0.50 * height * s, 0.22 * width * s,
                                0.58 * height * s), radius=0.02 * width * s, fill=255)
    paint(room, shape_mask(size, throw), rgb("#b9826a"))
    planks = np.zeros((height, width), np.float32)
    for index in range(1, 8):
        y = round(floor + (height - floor) * (index / 8) ** 1.4)
        planks[y:y + 2] = 1
    paint(room, planks, rgb("#8f7254"), 0.5)
    picture = blurred(room, 12)

    # The table: top surface, its edge below, one leg; in focus.
    radii = (0.44 * width, 0.055 * height)
    centre = (0.5 * width, stand - FORWARD * radii[1])
    thickness = 0.022 * height

    def leg(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.rectangle(((0.5 - 0.028) * width * s, centre[1] * s, (0.5 + 0.028) * width * s,
                        height * s), fill=255)
    paint(picture, shape_mask(size, leg), rgb("#9a7652"))
    paint(picture, shape_mask(size, leg) * shade_columns(size, 0.472, 0.528), rgb("#6e5238"),
          0.7)

    def rim(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.ellipse(ellipse((centre[0], centre[1] + thickness), radii, s), fill=255)
        draw.rectangle(((centre[0] - radii[0]) * s, centre[1] * s,
                        (centre[0] + radii[0]) * s, (centre[1] + thickness) * s), fill=255)
    paint(picture, shape_mask(size, rim), rgb("#a9855d"))
    wood = shade(fill(size, rgb("#dcc19a")), 1 + 0.05 * grain(rng, size, 70))
    wood = shade(wood, light_from_left(size, 0.08))

    def top(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.ellipse(ellipse(centre, radii, s), fill=255)
    paint(picture, shape_mask(size, top), wood)
    return to_image(shade(picture, vignette(size, 0.4)))


def outdoor(size: tuple[int, int]) -> Image.Image:
    """A flat weathered stone in a garden, foliage blurred behind it in sunlight."""
    rng = np.random.default_rng(37)
    width, height = size
    stand = anchor_y("outdoor", height)
    garden = vertical(size, [(0, rgb("#dfe9d6")), (0.25, rgb("#a9c28f")), (0.7, rgb("#6f8f58")),
                             (1, rgb("#5b7548"))])
    greens = [rgb(c) for c in ("#4f7a43", "#6e9a55", "#86ad66", "#3d6338", "#9cbf77")]
    layer = to_image(garden)
    draw = ImageDraw.Draw(layer)
    for _ in range(420):
        x, y = rng.uniform(-0.05, 1.05) * width, rng.uniform(0.05, 0.95) * height
        r = rng.uniform(0.02, 0.09) * width
        draw.ellipse((x - r, y - r * 0.8, x + r, y + r * 0.8), fill=greens[rng.integers(5)])
    for _ in range(30):  # sun through the leaves
        x, y = rng.uniform(0, 1) * width, rng.uniform(0.0, 0.5) * height
        r = rng.uniform(0.008, 0.02) * width
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(214, 228, 178))
    picture = blurred(np.asarray(layer, np.float32), 16)
    picture = shade(picture, light_from_left(size, 0.08))

    # The stone: an irregular flat top and a darker front face below it.
    radii = (0.47 * width, 0.075 * height)
    centre_y = stand - FORWARD * radii[1]
    face = 0.07 * height
    angles = np.linspace(0, 2 * math.pi, 90, endpoint=False)
    jitter = 1 + 0.035 * smooth_noise(rng, (90, 1), (12, 1))[0]
    outline = [(0.5 * width + math.cos(a) * radii[0] * j, centre_y + math.sin(a) * radii[1] * j)
               for a, j in zip(angles, jitter, strict=True)]

    def front(draw: ImageDraw.ImageDraw, s: float) -> None:
        shifted = [(x * s, (y + face) * s) for x, y in outline]
        draw.polygon(shifted, fill=255)
        draw.rectangle(((0.5 * width - radii[0] * 0.98) * s, centre_y * s,
                        (0.5 * width + radii[0] * 0.98) * s, (centre_y + face) * s), fill=255)

    def top(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.polygon([(x * s, y * s) for x, y in outline], fill=255)
    ground = shape_mask(size, front, blur=14)
    paint(picture, ground, rgb("#3f5133"), 0.5)  # the stone's shadow on the grass
    rock = fill(size, rgb("#b9b4a9"))
    rock = shade(rock, 1 + 0.08 * smooth_noise(rng, size, (40, 40))
                 + 0.05 * smooth_noise(rng, size, (160, 160)))
    rock += rng.normal(0, 4, (height, width, 1)).astype(np.float32)
    lichen = np.clip(smooth_noise(rng, size, (70, 70)) - 0.55, 0, 1) * 2.2
    paint(rock, lichen, rgb("#c9c79a"), 0.6)
    paint(picture, shape_mask(size, front), shade(rock, np.full((height, width), 0.68,
                                                                np.float32)))
    paint(picture, shape_mask(size, top), shade(rock, light_from_left(size, 0.07)))
    return to_image(shade(picture, vignette(size, 0.35)))


def flat_lay(size: tuple[int, int]) -> Image.Image:
    """Pale linen seen from above, a few props at the edges, soft daylight from the top left."""
    rng = np.random.default_rng(41)
    width, height = size
    linen = fill(size, rgb("#efe9df"))
    threads = (smooth_noise(rng, size, (2, height // 2)) * 0.6
               + smooth_noise(rng, size, (width // 2, 2)) * 0.6)
    folds = smooth_noise(rng, size, (5, 5))
    linen = shade(linen, 1 + 0.018 * threads + 0.025 * folds)
    linen += rng.normal(0, 2.5, (height, width, 1)).astype(np.float32)
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    light = 1.03 - 0.07 * ((xs / width + ys / height) / 2)
    picture = shade(linen, light.astype(np.float32))

    def prop(draw_shape: Callable[[ImageDraw.ImageDraw, float], None], colour: Colour,
             shadow: float = 0.22) -> None:
        mask = shape_mask(size, draw_shape)
        offset = np.roll(np.roll(mask, 9, axis=0), 7, axis=1)
        soft = np.asarray(to_image(offset * 255).filter(ImageFilter.GaussianBlur(8)),
                          np.float32) / 255
        paint(picture, soft, (70, 60, 50), shadow)
        paint(picture, mask, colour)

    # A eucalyptus sprig in the top-right corner.
    stem = [(1.02 * width, -0.02 * height), (0.90 * width, 0.07 * height),
            (0.80 * width, 0.15 * height)]

    def sprig_stem(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.line([(x * s, y * s) for x, y in stem], fill=255, width=round(4 * s))
    prop(sprig_stem, rgb("#7d8a6c"), 0.12)
    for index, share in enumerate(np.linspace(0.1, 0.95, 7)):
        x = stem[0][0] + (stem[2][0] - stem[0][0]) * share
        y = stem[0][1] + (stem[2][1] - stem[0][1]) * share
        side = 1 if index % 2 else -1
        leaf_x, leaf_y = x + side * 0.03 * width, y + side * 0.022 * height

        def leaf(draw: ImageDraw.ImageDraw, s: float, cx: float = leaf_x,
                 cy: float = leaf_y) -> None:
            draw.ellipse(ellipse((cx, cy), (0.028 * width, 0.022 * height), s), fill=255)
        prop(leaf, rgb("#93a88f") if index % 2 else rgb("#819a80"), 0.18)

    # Two pebbles at the bottom left.
    for (cx, cy, rx, ry, colour) in ((0.08, 0.87, 0.045, 0.034, "#bdb7ad"),
                                     (0.17, 0.94, 0.032, 0.026, "#a39c91")):
        def pebble(draw: ImageDraw.ImageDraw, s: float, x: float = cx, y: float = cy,
                   a: float = rx, b: float = ry) -> None:
            draw.ellipse(ellipse((x * width, y * height), (a * width, b * height), s),
                         fill=255)
        prop(pebble, rgb(colour), 0.28)

    # A kraft-paper tag with its string, bottom right, partly out of the frame.
    def tag(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.polygon([(0.86 * width * s, 0.84 * height * s), (1.02 * width * s, 0.80 * height * s),
                      (1.05 * width * s, 0.95 * height * s), (0.89 * width * s, 0.99 * height * s)],
                     fill=255)
    prop(tag, rgb("#c8a67a"))

    def string(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.line([(0.885 * width * s, 0.875 * height * s), (0.80 * width * s, 0.86 * height * s),
                   (0.74 * width * s, 1.01 * height * s)], fill=255, width=round(2 * s))
    prop(string, rgb("#e9e3d6"), 0.1)
    # A scatter of small dried petals at the top left.
    for _ in range(7):
        px, py = rng.uniform(0.04, 0.16) * width, rng.uniform(0.04, 0.16) * height

        def petal(draw: ImageDraw.ImageDraw, s: float, x: float = px, y: float = py) -> None:
            draw.ellipse(ellipse((x, y), (0.011 * width, 0.008 * height), s), fill=255)
        prop(petal, rgb("#d9a08a"), 0.15)
    return to_image(shade(picture, vignette(size, 0.25)))


def soft_neutral(size: tuple[int, int]) -> Image.Image:
    """A softly blurred, warm, neutral room: the backdrop for a product held up to the camera."""
    rng = np.random.default_rng(53)
    width, height = size
    top, bottom = (rgb(c) for c in get_style("in_hand").backdrop)
    room = vertical(size, [(0, top), (0.7, rgb("#e3dad0")), (1, bottom)])
    room = shade(room, light_from_left(size, 0.08))
    layer = to_image(room)
    draw = ImageDraw.Draw(layer, "RGBA")
    # A window frame and a shelf, far behind: shapes that read as a room once blurred.
    draw.rectangle((0.06 * width, 0.06 * height, 0.36 * width, 0.52 * height),
                   fill=(255, 252, 246, 200))
    draw.rectangle((0.62 * width, 0.58 * height, 1.02 * width, 0.61 * height),
                   fill=(170, 140, 110, 170))
    draw.rectangle((0.70 * width, 0.47 * height, 0.78 * width, 0.58 * height),
                   fill=(120, 150, 110, 170))
    for _ in range(16):  # out-of-focus lights
        x, y = rng.uniform(0, 1) * width, rng.uniform(0.05, 0.55) * height
        r = rng.uniform(0.02, 0.05) * width
        draw.ellipse((x - r, y - r, x + r, y + r), fill=(255, 246, 226, 90))
    return to_image(shade(blurred(np.asarray(layer, np.float32), 22), vignette(size, 0.35)))


def banner(size: tuple[int, int]) -> Image.Image:
    """A calm, softly graded wide backdrop, a floor line and a round plinth in the right third."""
    width, height = size
    stand_x, stand_y = SCENES["banner"].anchor[0] * width, anchor_y("banner", height)
    top, bottom = (rgb(c) for c in get_style("banner").backdrop)
    floor = stand_y + 0.07 * height
    backdrop = vertical(size, [(0, top), (floor / height, rgb("#dde3ea")),
                               (floor / height + 0.002, rgb("#d3d9e1")), (1, bottom)])
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    glow = np.exp(-(((xs - stand_x) / (0.35 * width)) ** 2
                    + ((ys - 0.45 * height) / (0.5 * height)) ** 2))
    backdrop += glow[..., None] * 14
    picture = blurred(backdrop, 6)
    radii = (0.15 * width, 0.035 * height)
    stand_y -= FORWARD * radii[1]
    body = 0.16 * height

    def shadow(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.ellipse(ellipse((stand_x + 0.01 * width, stand_y + body), (radii[0] * 1.15,
                                                                        radii[1] * 1.3), s),
                     fill=255)
    paint(picture, shape_mask(size, shadow, blur=12), (90, 100, 115), 0.35)

    def cylinder(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.ellipse(ellipse((stand_x, stand_y + body), radii, s), fill=255)
        draw.rectangle(((stand_x - radii[0]) * s, stand_y * s, (stand_x + radii[0]) * s,
                        (stand_y + body) * s), fill=255)
    left = (stand_x - radii[0]) / width
    right = (stand_x + radii[0]) / width
    side = fill(size, rgb("#eef0f3"))
    side = shade(side, 1 - 0.12 * shade_columns(size, left, right))
    paint(picture, shape_mask(size, cylinder), side)

    def disc(draw: ImageDraw.ImageDraw, s: float) -> None:
        draw.ellipse(ellipse((stand_x, stand_y), radii, s), fill=255)
    paint(picture, shape_mask(size, disc), rgb("#f8f9fb"))
    return to_image(picture)


DRAWN: dict[str, Callable[[tuple[int, int]], Image.Image]] = {
    "lifestyle_kitchen": kitchen,
    "lifestyle_living": living_room,
    "outdoor": outdoor,
    "flat_lay": flat_lay,
    "in_hand": soft_neutral,
    "banner": banner,
}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "backdrops")
    args = parser.parse_args(argv[1:])
    args.out.mkdir(parents=True, exist_ok=True)
    for style_id, draw in DRAWN.items():
        name = SCENES[style_id].backdrop
        assert name is not None, style_id  # every drawn scene has a file in the table
        image = draw(get_style(style_id).output_size)
        path = args.out / name
        image.save(path, "JPEG", quality=QUALITY, optimize=True)
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}: "
              f"{image.width}x{image.height}, {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
