"""Micro-benchmark: milliseconds per export of one 1024 px result to each marketplace preset,
with and without ``--fix``.

The result is a 1024 x 1024 PNG packshot as Gemini returns one (a shaded product with a soft
shadow on a near-white, slightly noisy background). For each preset it prints the median of
several runs of the whole export (decode, fixes, resize, encode with the label, write the file
with fsync, check the written bytes), of the rendering alone (everything but writing and
checking) and of the check alone, with the exported size and the verdict.

    .venv/bin/python tests/benchmarks/export_speed.py [--runs 9]
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from functools import partial
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from app.checks.export import ExportResult, export_job, render
from app.checks.image_checks import check_image
from app.checks.presets import PRESETS, Preset
from app.checks.provenance import TRAINED_ALGORITHMIC_MEDIA
from app.core.job import Job, JobStatus
from tests.benchmarks.timing import median_ms


def make_result() -> bytes:
    """A 1024 px packshot: off-white noisy background, a soft shadow, a shaded product."""
    size = 1024
    base = Image.new("L", (size, size), 250)
    noise = Image.effect_noise((size, size), 3).point(lambda v: 250 + (v - 128) // 40)
    image = Image.merge("RGB", [Image.blend(base, noise, 0.5)] * 3)
    shadow = Image.new("L", (size, size), 0)
    ImageDraw.Draw(shadow).ellipse((260, 820, 780, 900), fill=90)
    image.paste((0, 0, 0), (0, 0), shadow.filter(ImageFilter.GaussianBlur(18)))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((300, 170, 730, 860), 60, fill=(38, 92, 170))
    draw.ellipse((380, 300, 650, 560), fill=(236, 236, 230))
    draw.text((420, 620), "PRODUCT", fill=(250, 250, 250))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def _export_into(last: list[ExportResult], job: Job, preset: Preset, out: Path,
                 fix: bool) -> None:
    last[:] = [export_job(job, preset, out, fix=fix)]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        result = root / "result.png"
        data = make_result()
        result.write_bytes(data)
        job = Job(id="bench", source_path=str(root / "mug.jpg"), style="studio_white",
                  status=JobStatus.COMPLETED, mode="live", created_at=0.0,
                  result_path=str(result), result_mime="image/png")
        print(f"{'preset':<9} {'fix':<4} {'size':>11} {'export ms':>10} {'render ms':>10} "
              f"{'check ms':>9} {'verdict':>8}  upscaled")
        for preset in PRESETS:
            for fix in (False, True):
                out = root / f"{preset.id}-{fix}"
                last: list[ExportResult] = []
                total = median_ms(partial(_export_into, last, job, preset, out, fix), args.runs)
                exported = last[0]
                rendered = exported.rendered
                native = rendered.native_size if rendered.upscaled else None
                check = median_ms(partial(check_image, exported.output.read_bytes(), preset,
                                          file="x.jpg", native_size=native), args.runs)
                alone = median_ms(partial(render, data, preset, TRAINED_ALGORITHMIC_MEDIA,
                                          fix=fix), args.runs)
                size = f"{rendered.size[0]}x{rendered.size[1]}"
                print(f"{preset.id:<9} {'yes' if fix else 'no':<4} {size:>11} {total:>10.0f} "
                      f"{alone:>10.0f} {check:>9.0f} {exported.verdict:>8}  {rendered.upscaled}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
