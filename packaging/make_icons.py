"""ProductSnap's icons, all made from one source image.

    python packaging/make_icons.py                derive the icons from the source image,
                                                  resources/icons/productsnap-source.png
    python packaging/make_icons.py --draw-source  (re)draw that 1024 px source image first

The source is drawn here with Pillow (a rounded square with a soft gradient, a camera whose lens
holds a product box, a sparkle), so the artwork can be changed in code and redrawn. From it come:

    resources/icons/productsnap.ico          Windows: 16, 24, 32, 48, 64, 128, 256 px
    resources/icons/productsnap.icns         macOS: 16 ... 1024 px (Pillow's ICNS writer)
    resources/icons/productsnap-<N>.png      N = 16, 24, 32, 48, 64, 128, 256, 512
                                             (window icons, Linux)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "resources" / "icons"
SOURCE = ICON_DIR / "productsnap-source.png"
SOURCE_SIZE = 1024
PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICNS_SIZES = (16, 32, 64, 128, 256, 512, 1024)

# Colours: a calm blue-to-violet tile, white glyph, warm accent for the "snap".
TOP_LEFT = (64, 156, 255)
BOTTOM_RIGHT = (118, 82, 235)
GLYPH = (255, 255, 255)
BOX = (255, 184, 77)
BOX_SHADE = (236, 146, 48)
BOX_TOP = (255, 214, 140)


def _gradient(size: int) -> Image.Image:
    """A diagonal gradient from TOP_LEFT to BOTTOM_RIGHT."""
    ramp = Image.linear_gradient("L").resize((size, size))  # 0 at the top, 255 at the bottom
    diagonal = ImageChops.add(ramp, ramp.rotate(90), scale=2)  # top-left dark, bottom-right light
    red, green, blue = (
        diagonal.point(lambda v, a=a, b=b: round(a + (b - a) * v / 255))
        for a, b in zip(TOP_LEFT, BOTTOM_RIGHT, strict=True)
    )
    return Image.merge("RGB", (red, green, blue))


def _sparkle(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, fill: tuple) -> None:
    """A four-pointed star."""
    w = r * 0.28
    points = [(cx, cy - r), (cx + w, cy - w), (cx + r, cy), (cx + w, cy + w),
              (cx, cy + r), (cx - w, cy + w), (cx - r, cy), (cx - w, cy - w)]
    draw.polygon(points, fill=fill)


def draw_source(size: int = SOURCE_SIZE) -> Image.Image:
    """The app icon, drawn at 4x and scaled down for smooth edges."""
    s = size * 4
    u = s / 1024  # design units: the artwork is laid out on a 1024 grid

    # The tile: macOS-style margins (824 px tile on the 1024 canvas), a soft drop shadow.
    margin, radius = 100 * u, 185 * u
    tile_box = (margin, margin, s - margin, s - margin)
    mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(mask).rounded_rectangle(tile_box, radius, fill=255)

    shadow = Image.new("L", (s, s), 0)
    ImageDraw.Draw(shadow).rounded_rectangle(
        (margin, margin + 14 * u, s - margin, s - margin + 14 * u), radius, fill=90)
    shadow = shadow.filter(ImageFilter.GaussianBlur(18 * u))
    canvas = Image.new("RGBA", (s, s), (0, 0, 0, 0))
    canvas.putalpha(shadow)
    canvas = Image.composite(Image.new("RGBA", (s, s), (20, 24, 60, 255)), canvas, shadow)

    tile = _gradient(s).convert("RGBA")
    # A soft highlight in the upper half makes the tile read as a surface, not a flat square.
    gloss = Image.new("L", (s, s), 0)
    ImageDraw.Draw(gloss).ellipse((-200 * u, -560 * u, s + 200 * u, 470 * u), fill=46)
    gloss = gloss.filter(ImageFilter.GaussianBlur(60 * u))
    tile = Image.composite(Image.new("RGBA", (s, s), (255, 255, 255, 255)), tile, gloss)
    canvas.paste(tile, (0, 0), mask)

    draw = ImageDraw.Draw(canvas)
    # The camera: body, viewfinder hump, shutter button.
    body = (212 * u, 352 * u, 812 * u, 772 * u)
    draw.rounded_rectangle((392 * u, 290 * u, 632 * u, 400 * u), 40 * u, fill=GLYPH)
    draw.rounded_rectangle((262 * u, 318 * u, 342 * u, 370 * u), 18 * u, fill=GLYPH)
    draw.rounded_rectangle(body, 84 * u, fill=GLYPH)

    # The lens: a ring in the tile's colours with a product box inside.
    cx, cy = 512 * u, 566 * u
    lens = _gradient(s).convert("RGBA")
    lens_mask = Image.new("L", (s, s), 0)
    ImageDraw.Draw(lens_mask).ellipse((cx - 170 * u, cy - 170 * u, cx + 170 * u, cy + 170 * u),
                                      fill=255)
    canvas.paste(lens, (0, 0), lens_mask)
    draw.ellipse((cx - 128 * u, cy - 128 * u, cx + 128 * u, cy + 128 * u), fill=GLYPH)

    # The box, in a simple isometric view: top, left and right faces.
    h, w, d = 62 * u, 78 * u, 40 * u  # half-height of the side faces, half-width, top depth
    top = [(cx, cy - h - d), (cx + w, cy - h), (cx, cy - h + d), (cx - w, cy - h)]
    left = [(cx - w, cy - h), (cx, cy - h + d), (cx, cy + h + d), (cx - w, cy + h)]
    right = [(cx, cy - h + d), (cx + w, cy - h), (cx + w, cy + h), (cx, cy + h + d)]
    draw.polygon(left, fill=BOX)
    draw.polygon(right, fill=BOX_SHADE)
    draw.polygon(top, fill=BOX_TOP)
    # The tape across the box's top, from the middle of one edge to the middle of the opposite one.
    f = 0.13
    off_x, off_y = -f * w, f * d
    back_left = (cx - w / 2, cy - h - d / 2)
    right_front = (cx + w / 2, cy - h + d / 2)
    draw.polygon([(back_left[0] + off_x, back_left[1] + off_y),
                  (back_left[0] - off_x, back_left[1] - off_y),
                  (right_front[0] - off_x, right_front[1] - off_y),
                  (right_front[0] + off_x, right_front[1] + off_y)], fill=(255, 236, 200))

    # The "snap": sparkles above the camera's corner.
    _sparkle(draw, 776 * u, 236 * u, 64 * u, (255, 226, 120))
    _sparkle(draw, 694 * u, 188 * u, 26 * u, (255, 244, 210))

    return canvas.resize((size, size), Image.Resampling.LANCZOS)


def _scaled(source: Image.Image, size: int) -> Image.Image:
    image = source.resize((size, size), Image.Resampling.LANCZOS)
    if size <= 32:  # a touch of sharpening keeps the glyph legible in the task bar
        image = image.filter(ImageFilter.UnsharpMask(radius=0.6, percent=60, threshold=0))
    return image


def _full_bleed(master: Image.Image) -> Image.Image:
    """The tile with less of the transparent margin macOS wants: Windows and Linux icons fill
    their square, and at 16 px every pixel counts."""
    return master.crop((84, 84, 940, 940)).resize((SOURCE_SIZE, SOURCE_SIZE),
                                                  Image.Resampling.LANCZOS)


def outputs(icon_dir: Path = ICON_DIR) -> list[Path]:
    return ([icon_dir / "productsnap.ico", icon_dir / "productsnap.icns"]
            + [icon_dir / f"productsnap-{n}.png" for n in PNG_SIZES])


def make_icons(source: Path = SOURCE, icon_dir: Path = ICON_DIR) -> list[Path]:
    """Write the .ico, the .icns and the PNG sizes from the source image; return their paths."""
    icon_dir.mkdir(parents=True, exist_ok=True)
    with Image.open(source) as opened:
        master = opened.convert("RGBA")
    if master.size != (SOURCE_SIZE, SOURCE_SIZE):
        master = master.resize((SOURCE_SIZE, SOURCE_SIZE), Image.Resampling.LANCZOS)

    # macOS draws its icons with the margin built in; the others get the fuller tile.
    full = _full_bleed(master)
    for n in PNG_SIZES:
        _scaled(full, n).save(icon_dir / f"productsnap-{n}.png", optimize=True)

    ico_images = [_scaled(full, n) for n in ICO_SIZES]
    ico_images[-1].save(icon_dir / "productsnap.ico", format="ICO",
                        sizes=[(n, n) for n in ICO_SIZES], append_images=ico_images[:-1])

    icns_images = [_scaled(master, n) for n in ICNS_SIZES]
    icns_images[-1].save(icon_dir / "productsnap.icns", format="ICNS",
                         append_images=icns_images[:-1])
    return outputs(icon_dir)


def icons_up_to_date(source: Path = SOURCE, icon_dir: Path = ICON_DIR) -> bool:
    if not source.is_file():
        return all(p.is_file() for p in outputs(icon_dir))
    stamp = source.stat().st_mtime
    return all(p.is_file() and p.stat().st_mtime >= stamp for p in outputs(icon_dir))


def ensure_icons() -> None:
    """What build.py calls: make the icons when one is missing. (They are committed; after
    changing the source, run this script to remake them. A fresh checkout's file times say
    nothing, so build.py does not go by them.)"""
    if all(path.is_file() for path in outputs()):
        return
    if not SOURCE.is_file():
        draw_source().save(SOURCE, optimize=True)
    make_icons()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draw-source", action="store_true",
                        help=f"redraw {SOURCE.relative_to(ROOT)} before deriving the icons")
    args = parser.parse_args(argv)
    if args.draw_source or not SOURCE.is_file():
        ICON_DIR.mkdir(parents=True, exist_ok=True)
        draw_source().save(SOURCE, optimize=True)
        print(f"drew {SOURCE.relative_to(ROOT)}")
    for path in make_icons():
        print(f"wrote {path.relative_to(ROOT)} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
