"""The style picker's before/after examples, made from the shipped espresso-cup sample.

    .venv/bin/python packaging/art/make_style_examples.py [--out resources/style_examples]

Writes ``before.jpg`` (the sample photo) and one ``<style id>.jpg`` per style, small enough
to load at start (long edge ``EDGE``, at twice the size the picker draws them for sharp HiDPI
screens). Each "after" comes from the app's own code, not from a drawing program:

* a local cut-out style: the result the engine makes on this computer (``cut_out`` and
  ``app.core.cutouts.render``), exactly what the user would get; the transparent one is shown
  on a grey checkerboard, as image editors show transparency;
* a generative style: the offline demo's rendering (``render_mock_result``, with its DEMO
  mark), since a real Gemini result cannot be made here. The picker labels these as the demo
  preview.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from app.core.cutouts import WORKING_EDGE, render  # noqa: E402
from app.images.cutout import cut_out  # noqa: E402
from app.images.intake import decode_image, prepare_photo  # noqa: E402
from app.images.mock_render import render_mock_result  # noqa: E402
from app.services.styles import Style, all_styles  # noqa: E402

SAMPLE = ROOT / "resources" / "samples" / "espresso-cup.jpg"
EDGE = 200  # long edge in pixels
QUALITY = 85
BEFORE = "before.jpg"
CHECKER = 12  # checkerboard square, in pixels of the finished example


def small(image: Image.Image) -> Image.Image:
    copy = image.convert("RGB") if image.mode not in ("RGB", "RGBA") else image.copy()
    copy.thumbnail((EDGE, EDGE), Image.Resampling.LANCZOS)
    return copy


def on_checkerboard(image: Image.Image) -> Image.Image:
    board = Image.new("RGB", image.size, (255, 255, 255))
    for y in range(0, image.height, CHECKER):
        for x in range((y // CHECKER % 2) * CHECKER, image.width, 2 * CHECKER):
            board.paste((222, 222, 222), (x, y, x + CHECKER, y + CHECKER))
    board.paste(image, (0, 0), image.getchannel("A"))
    return board


def local_example(raw: bytes, style: Style) -> Image.Image:
    """What the engine makes for a cut-out style (default colour for the chosen-colour one)."""
    photo, _ = decode_image(raw, box=(WORKING_EDGE, WORKING_EDGE), name=SAMPLE.name)
    data, _ = render(cut_out(photo.convert("RGB")), style, None)
    with Image.open(io.BytesIO(data)) as result:
        result.load()
        picture = small(result)
    return on_checkerboard(picture) if picture.mode == "RGBA" else picture


def demo_example(upload: bytes, style: Style) -> Image.Image:
    with Image.open(io.BytesIO(render_mock_result(upload, style))) as result:
        result.load()
        return small(result)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "resources" / "style_examples")
    args = parser.parse_args(argv[1:])
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    raw = SAMPLE.read_bytes()
    upload = prepare_photo(raw, SAMPLE.name).data  # what the demo client is given
    pictures = {BEFORE: small(Image.open(SAMPLE))}
    for style in all_styles():
        make = local_example if style.is_local else demo_example
        pictures[f"{style.id}.jpg"] = make(raw if style.is_local else upload, style)
    for name, picture in pictures.items():
        path = out / name
        picture.convert("RGB").save(path, "JPEG", quality=QUALITY, optimize=True)
        print(f"{name}: {picture.width}x{picture.height}, {path.stat().st_size // 1024} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
