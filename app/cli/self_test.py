"""``productsnap self-test``: is everything this install needs present and working?

Imports every part, names the keyring backend, loads the TLS trust store, cuts the product out
of the bundled sample photo with the local model, and runs a sample photo through the engine in
mock mode in a temporary folder. Exit 0 only when all of it worked. Also what CI runs against
the frozen app.
"""

from __future__ import annotations

import io
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from app import __version__


def _check_imports() -> str:
    import httpx  # noqa: F401
    import pillow_heif  # noqa: F401
    import PySide6.QtGui
    import PySide6.QtWidgets  # noqa: F401
    import qasync  # noqa: F401
    from PIL import __version__ as pillow_version
    from PIL import features

    return f"Pillow {pillow_version}, JPEG {'yes' if features.check('jpg') else 'NO'}"


def _check_keyring() -> str:
    from app.core.secrets import keyring_available, keyring_backend_name

    state = "usable" if keyring_available() else "not usable (the key can come from the env)"
    return f"{keyring_backend_name()}: {state}"


def _check_tls() -> str:
    import ssl

    import certifi

    context = ssl.create_default_context(cafile=certifi.where())
    count = len(context.get_ca_certs())
    if count == 0:
        raise RuntimeError(f"no CA certificates in {certifi.where()}")
    return f"{count} CA certificates from {Path(certifi.where()).name}"


def _sample_photo(folder: Path) -> Path:
    from app.core.paths import resource_dir

    samples = sorted((resource_dir() / "samples").glob("*.jpg"))
    if samples:
        return samples[0]
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (1200, 900), (180, 170, 160))
    ImageDraw.Draw(image).rounded_rectangle((420, 200, 780, 760), 40, fill=(30, 90, 160))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    path = folder / "sample.jpg"
    path.write_bytes(buffer.getvalue())
    return path


# The cut-out's sample: a cup on a plain table, which the model finds whole.
CUTOUT_SAMPLE = "espresso-cup.jpg"
# The share of the photo the product may cover: none means the model found nothing, all of it
# means it found no edge. Either is a broken model or runtime, not a hard photo.
CUTOUT_COVERAGE = (0.02, 0.95)


def _check_cutout() -> str:
    from PIL import Image

    from app.core.paths import resource_dir
    from app.images.cutout import CutoutModelError, cut_out
    from app.images.cutout.cut import FRAME_THRESHOLD

    path = resource_dir() / "samples" / CUTOUT_SAMPLE
    started = time.perf_counter()
    with Image.open(path) as photo:
        try:
            cut = cut_out(photo)
        except CutoutModelError as error:  # the plain sentence and where it went wrong
            raise RuntimeError(f"{error.message} ({error.detail})") from error
    elapsed = time.perf_counter() - started
    histogram = cut.mask.histogram()
    coverage = sum(histogram[FRAME_THRESHOLD:]) / (cut.mask.width * cut.mask.height)
    low, high = CUTOUT_COVERAGE
    if cut.box is None or not low <= coverage <= high:
        raise RuntimeError(f"the mask of {path.name} covers {coverage:.0%} of it; expected "
                           f"{low:.0%} to {high:.0%}")
    return (f"{path.name} {cut.mask.width}x{cut.mask.height}, product {coverage:.0%} of it, "
            f"box {cut.box}, {elapsed:.1f} s")


def _check_engine() -> str:
    from app.core.config import load_config
    from app.core.engine import Engine
    from app.core.job import JobStatus

    with tempfile.TemporaryDirectory(prefix="productsnap-self-test-") as tmp:
        folder = Path(tmp)
        env = {"IMAGE_GENERATION_MODE": "mock", "PRODUCTSNAP_DATA_DIR": str(folder / "data"),
               "PRODUCTSNAP_OUTPUT_DIR": str(folder / "out")}
        config = load_config(env=env, cwd=folder)
        engine = Engine(config)
        try:
            added = engine.add_photos([_sample_photo(folder)], "studio_white")
            job = engine.process(added.jobs[0].id)
            if job.status is not JobStatus.COMPLETED:
                raise RuntimeError(f"the sample job ended {job.status.value}: {job.error}")
            output = Path(job.output_path or "")
            from PIL import Image

            with Image.open(output) as result:
                size = result.size
        finally:
            engine.close()
    return f"sample photo -> {output.name} {size[0]}x{size[1]}"


CHECKS: list[tuple[str, Callable[[], str]]] = [
    ("imports", _check_imports),
    ("keyring", _check_keyring),
    ("TLS trust store", _check_tls),
    ("cut-out", _check_cutout),
    ("engine (mock mode)", _check_engine),
]


def run_self_test() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"ProductSnap {__version__} self-test ({sys.platform}, Python {sys.version.split()[0]})")
    ok = True
    for name, check in CHECKS:
        try:
            print(f"  ok    {name}: {check()}")
        except Exception as error:  # every failure is reported, then the exit code says it
            ok = False
            print(f"  FAIL  {name}: {type(error).__name__}: {error}")
    print("self-test passed" if ok else "self-test FAILED")
    return 0 if ok else 1
