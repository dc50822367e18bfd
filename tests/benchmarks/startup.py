"""Benchmark: start-up time of the frozen app against a plain launch from source.

Median of several runs, frozen and source runs interleaved (after one warm-up each), for:

  --version      the command line's start: interpreter, app package, argument parsing
  self-test      imports everything (Qt, Pillow, httpx, keyring), runs a photo in mock mode
  first window   the desktop app until its main window is on screen (Linux with an X display
                 and xwininfo: run under `xvfb-run -a`; skipped otherwise)

Target: the frozen app within 20% of the source launch. Build the bundle first
(`python packaging/build.py --bundle-only`).

    .venv/bin/python tests/benchmarks/startup.py [--runs 15] [--frozen PATH] [--check]
    xvfb-run -a .venv/bin/python tests/benchmarks/startup.py      (with the first-window time)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = 1.20


def default_frozen() -> Path:
    dist = ROOT / "packaging" / "dist"
    if sys.platform == "darwin":
        return dist / "ProductSnap.app" / "Contents" / "MacOS" / "ProductSnap"
    return dist / "ProductSnap" / ("ProductSnap.exe" if sys.platform == "win32" else "ProductSnap")


def environment(tmp: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"PRODUCTSNAP_DATA_DIR": str(tmp / "data"),
                "PRODUCTSNAP_OUTPUT_DIR": str(tmp / "out"), "IMAGE_GENERATION_MODE": "mock"})
    env.pop("NANO_BANANA_API_KEY", None)
    return env


CPU_TIMES: dict[str, list[float]] = {}


def _children_cpu() -> float:
    try:
        import resource
    except ImportError:  # Windows
        return 0.0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_command(command: list[str], env: dict[str, str]) -> float:
    """Wall time; the CPU time (user + system) goes to CPU_TIMES: a busy machine skews it less."""
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True, timeout=120)
    elapsed = time.perf_counter() - started
    CPU_TIMES.setdefault(command[0], []).append(_children_cpu() - cpu)
    return elapsed


def first_window(command: list[str], env: dict[str, str]) -> float:
    """Seconds until a viewable X window named ProductSnap exists."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        while time.perf_counter() - started < 60:
            probe = subprocess.run(["xwininfo", "-name", "ProductSnap"], capture_output=True,
                                   text=True)
            if "IsViewable" in probe.stdout:
                return time.perf_counter() - started
            if process.poll() is not None:
                raise RuntimeError(f"{command[0]} exited with {process.returncode} before a window")
            time.sleep(0.005)
        raise RuntimeError("no window within 60 s")
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def compare(label: str, measure: Callable[[list[str]], float], frozen: list[str],
            source: list[str], runs: int) -> float:
    measure(frozen)
    measure(source)  # warm-up: file cache, .pyc files
    CPU_TIMES.clear()
    frozen_times, source_times = [], []
    for _ in range(runs):
        frozen_times.append(measure(frozen))
        source_times.append(measure(source))
    f, s = statistics.median(frozen_times), statistics.median(source_times)
    ratio = f / s
    verdict = "ok" if ratio <= TARGET else "OVER"
    print(f"{label:<14} frozen {f * 1000:7.1f} ms   source {s * 1000:7.1f} ms   "
          f"frozen/source {ratio:5.2f}  {verdict} (target <= {TARGET:.2f})", flush=True)
    cpu_frozen, cpu_source = CPU_TIMES.get(frozen[0]), CPU_TIMES.get(source[0])
    if cpu_frozen and cpu_source and statistics.median(cpu_source) > 0:
        fc, sc = statistics.median(cpu_frozen), statistics.median(cpu_source)
        print(f"{'':<14} cpu    {fc * 1000:7.1f} ms   cpu    {sc * 1000:7.1f} ms   "
              f"frozen/source {fc / sc:5.2f}", flush=True)
    return ratio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--frozen", type=Path, default=default_frozen())
    parser.add_argument("--check", action="store_true", help="exit 1 when over the target")
    args = parser.parse_args()
    if not args.frozen.is_file():
        print(f"no frozen app at {args.frozen}: run `python packaging/build.py --bundle-only`",
              file=sys.stderr)
        return 2

    source = [sys.executable, "-m", "app"]
    frozen = [str(args.frozen)]
    print(f"{args.runs} runs each, median; frozen: {args.frozen}", flush=True)
    ratios = []
    with tempfile.TemporaryDirectory(prefix="productsnap-startup-") as tmp:
        env = environment(Path(tmp))
        cli_env = dict(env, QT_QPA_PLATFORM="offscreen")

        def cli(extra: list[str]) -> Callable[[list[str]], float]:
            return lambda command: run_command([*command, *extra], cli_env)

        ratios.append(compare("--version", cli(["--version"]), frozen, source, args.runs))
        ratios.append(compare("self-test", cli(["self-test"]), frozen, source,
                              max(5, args.runs // 3)))
        if sys.platform.startswith("linux") and os.environ.get("DISPLAY") \
                and shutil.which("xwininfo"):
            gui_env = {k: v for k, v in env.items() if k != "QT_QPA_PLATFORM"}
            ratios.append(compare("first window", lambda c: first_window(c, gui_env), frozen,
                                  source, max(5, args.runs // 3)))
        else:
            print("first window   skipped (needs Linux, an X display and xwininfo: "
                  "run under xvfb-run -a)", flush=True)
    return 1 if args.check and max(ratios) > TARGET else 0


if __name__ == "__main__":
    sys.exit(main())
