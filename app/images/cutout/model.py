"""U²-Net-p, the 4.6 MB salient-object model, run with onnxruntime on the CPU.

Pre- and post-processing follow rembg's, which these weights were trained for: the photo
squeezed to 320x320, divided by its own maximum, normalised with the ImageNet mean and
deviation; the first output channel, min-max normalised.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
from PIL import Image

from app.core.paths import resource_dir

MODEL_SHA256 = "309c8469258dda742793dce0ebea8e6dd393174f89934733ecc8b14c76f4ddd8"
INPUT_EDGE = 320
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32)
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32)
# Two cores are what the target machines have; more threads than cores only adds contention
# with the GUI thread and the thumbnail pool.
INTRA_OP_THREADS = 2

FloatArray = npt.NDArray[np.float32]

_REINSTALL = "Reinstall ProductSnap to restore it."


class CutoutModelError(RuntimeError):
    """The model file is missing or not the one the app was built with: no photo's fault."""

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


def model_path() -> Path:
    return resource_dir() / "models" / "u2netp.onnx"


def _checked_bytes(path: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CutoutModelError(f"The cut-out model is missing from this installation. "
                               f"{_REINSTALL}", f"{path}: {error.strerror}") from error
    digest = hashlib.sha256(data).hexdigest()
    if digest != MODEL_SHA256:
        raise CutoutModelError(f"The cut-out model file is damaged. {_REINSTALL}",
                               f"{path}: sha256 {digest}, expected {MODEL_SHA256}")
    return data


class _Session:
    """One onnxruntime session for the process, made on first use (about 0.1 s)."""

    def __init__(self, data: bytes) -> None:
        os.environ["ORT_DISABLE_TELEMETRY"] = "1"  # before the import, whatever imported us
        import onnxruntime as ort

        ort.disable_telemetry_events()
        ort.set_default_logger_severity(3)  # errors only: its warnings are not for shop owners
        options = ort.SessionOptions()
        options.intra_op_num_threads = INTRA_OP_THREADS
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        # Between the network's layers onnxruntime's threads spin-wait for work by default:
        # CPU burnt on cores the GUI thread and the thumbnail pool need (measured on two busy
        # cores: 0.49 s of CPU a photo spinning, 0.41 s not, and a shorter wall time too).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        # The memory pattern plans one block for a whole run on top of the arena: 540 MB
        # resident from the second photo on, against 350 MB without it, and no slower.
        options.enable_mem_pattern = False
        self._session: Any = ort.InferenceSession(data, sess_options=options,
                                                  providers=["CPUExecutionProvider"])
        self._input = str(self._session.get_inputs()[0].name)
        # A session may be run from several threads, but two photos at once on two cores only
        # take turns: one at a time keeps each photo's latency short.
        self._lock = threading.Lock()

    def run(self, batch: FloatArray) -> FloatArray:
        with self._lock:
            outputs = self._session.run(None, {self._input: batch})
        return np.asarray(outputs[0], dtype=np.float32)


# Freed after this long without a cut-out: the session's working memory (about 260 MB) goes
# back to the system, and loading it again takes about 0.1 s.
IDLE_RELEASE_S = 60.0


class _Keeper:
    """The process's one session: loaded on first use, let go once unused for ``idle_s``, so
    that a window left open all day does not hold it for a cut-out made in the morning."""

    def __init__(self, idle_s: float) -> None:
        self.idle_s = idle_s
        self._lock = threading.Lock()  # two first photos at once load the model once
        self._loaded: tuple[Path, _Session] | None = None
        self._busy = 0
        self._uses = 0  # a timer armed before the latest use releases nothing
        self._timer: threading.Timer | None = None

    @property
    def loaded(self) -> bool:
        return self._loaded is not None

    def session(self) -> _Session:
        """The session for the current model file, loaded (and its hash checked) if need be."""
        with self._lock:
            return self._load()

    @contextmanager
    def using(self) -> Iterator[_Session]:
        with self._lock:
            session = self._load()
            self._busy += 1
            self._uses += 1
            if self._timer is not None:
                self._timer.cancel()
                self._timer = None
        try:
            yield session
        finally:
            with self._lock:
                self._busy -= 1
                if self._busy == 0:
                    self._timer = threading.Timer(self.idle_s, self._release_if_idle,
                                                  args=(self._uses,))
                    self._timer.daemon = True
                    self._timer.start()

    def forget(self) -> None:
        """Load the file again on the next use (a test that swapped the model file)."""
        with self._lock:
            self._loaded = None

    def _release_if_idle(self, uses: int) -> None:
        with self._lock:
            if self._busy == 0 and uses == self._uses:
                self._loaded = None
                self._timer = None

    def _load(self) -> _Session:
        path = model_path()
        if self._loaded is None or self._loaded[0] != path:
            self._loaded = (path, _Session(_checked_bytes(path)))
        return self._loaded[1]


_keeper = _Keeper(IDLE_RELEASE_S)


def session() -> _Session:
    return _keeper.session()


def forget_session() -> None:
    _keeper.forget()


def preprocess(photo: Image.Image) -> FloatArray:
    """The 1x3x320x320 input the network was trained on, from an RGB photo."""
    small = photo.convert("RGB").resize((INPUT_EDGE, INPUT_EDGE), Image.Resampling.LANCZOS)
    pixels = np.asarray(small, dtype=np.float32)
    peak = float(pixels.max())
    pixels = pixels / (peak if peak > 0 else 1.0)
    pixels = (pixels - MEAN) / STD
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[np.newaxis], dtype=np.float32)


def predict(photo: Image.Image) -> FloatArray:
    """The model's 320x320 mask of the main object, 0..1 (1 is the product)."""
    batch = preprocess(photo)
    with _keeper.using() as loaded:
        output: FloatArray = loaded.run(batch)[0, 0]
    low, high = float(output.min()), float(output.max())
    if high - low < 1e-6:  # nothing stands out: an empty mask, not a division by zero
        return np.zeros(output.shape, dtype=np.float32)
    return ((output - low) / (high - low)).astype(np.float32)
