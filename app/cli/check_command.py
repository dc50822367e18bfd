"""``productsnap check FILE... [--preset ID] [--json]`` and ``productsnap presets``.

Local files only: no job history, no settings, no network, and nothing of Qt is loaded.
``check`` prints one report per file as soon as it is judged: with ``--json`` one JSON object a
line (``CheckReport.as_record``), otherwise the file, its verdict and why for each check that did
not pass. Exit code 0 when every file passes, 1 when any warns or fails (an unreadable file is a
failed report, never a traceback), 2 for a usage error (an unknown preset, no files).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from app.checks.presets import PRESETS, Background, Preset, UnknownPresetError, get_preset
from app.core.printable import printable

EXIT_USAGE = 2


def run_check(args: argparse.Namespace, out: TextIO | None = None,
              err: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    err = sys.stderr if err is None else err
    try:
        preset = get_preset(args.preset)
    except UnknownPresetError as error:
        print(f"productsnap: {error} See `productsnap presets`.", file=err)
        return EXIT_USAGE
    files: list[str] = list(args.files or [])
    if not files:
        print("productsnap: name at least one image file to check, e.g. "
              "`productsnap check photo.jpg --preset amazon`.", file=err)
        return EXIT_USAGE
    from app.checks.image_checks import check_file  # Pillow, only once there is work

    counts = {"pass": 0, "warn": 0, "fail": 0}
    for name in files:
        report = check_file(Path(name), preset)
        counts[report.verdict] += 1
        if args.json:
            print(json.dumps(report.as_record()), file=out, flush=True)
            continue
        print(f"{printable(name)}: {report.verdict.upper()} for {preset.name}", file=out)
        for check in report.checks:
            if check.verdict != "pass":
                print(f"  {check.verdict:<4}  {check.id}: {printable(check.message)}", file=out)
        out.flush()
    if not args.json and len(files) > 1:
        print(f"{len(files)} files: {counts['pass']} pass, {counts['warn']} warn, "
              f"{counts['fail']} fail", file=out)
    return 0 if counts["pass"] == len(files) else 1


def run_presets(out: TextIO | None = None) -> int:
    out = sys.stdout if out is None else out
    width = max(len(preset.id) for preset in PRESETS) + 2
    for preset in PRESETS:
        print(f"{preset.id:<{width}}{preset.name}", file=out)
        for line in (rules(preset), preset.note):
            if line:
                print(f"{'':<{width}}{line}", file=out)
    print("\nUse one with `productsnap check FILE... --preset ID`.", file=out)
    return 0


def rules(preset: Preset) -> str:
    """The preset's checked rules in one line of plain words."""
    parts: list[str] = []
    if preset.background is Background.PURE_WHITE:
        parts.append("pure white 255,255,255 background")
    if preset.fill_min is not None and preset.fill_max is not None:
        parts.append(f"product fills {preset.fill_min:.0%}-{preset.fill_max:.0%} of the frame")
    elif preset.fill_min is not None:
        parts.append(f"product fills at least {preset.fill_min:.0%} of the frame")
    edges = []
    if preset.min_edge is not None:
        edges.append(f"at least {preset.min_edge} px")
    if preset.zoom_edge is not None:
        edges.append(f"{preset.zoom_edge} px for zoom")
    if preset.max_edge is not None:
        edges.append(f"at most {preset.max_edge} px")
    if edges:
        parts.append("longest side " + ", ".join(edges))
    if preset.max_pixels is not None:
        parts.append(f"at most {preset.max_pixels / 1e6:g} MP")
    if preset.square:
        parts.append("square")
    parts.append("/".join(preset.formats))
    if preset.srgb_only:
        parts.append("sRGB")
    if not preset.alpha_allowed:
        parts.append("no transparency")
    if preset.max_bytes is not None:
        parts.append(f"at most {preset.max_bytes // (1024 * 1024)} MB")
    return "; ".join(parts)
