"""The spool: where a paid image lands the moment it arrives, before anything else happens.

Each result is two files in the data folder's ``incoming/``: the image, then a JSON sidecar
(what was asked, of which model, and what it cost). The sidecar is written last and removed
last, so a kill at any moment leaves a result either findable whole or not there at all. The
engine collects it by the job id it recorded before the request was sent.

When the data folder cannot take the files (full, read-only), the paid result is held in
memory instead, for as long as the engine lives: the queue pauses, and once the folder is fixed
the same result is collected from memory, never bought again.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import threading
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from app.core.files import atomic_write_bytes

log = logging.getLogger(__name__)

_JOB_ID = re.compile(r"^gem_[0-9a-f]{12}$")
_MEMORY = "memory:"
_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


class ResultSpool:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._held: dict[str, tuple[bytes, dict[str, object]]] = {}  # job id: image, record
        self._lock = threading.Lock()

    def sidecar(self, job_id: str) -> Path:
        """Raises LookupError for an id that is not a live job id (a crafted id never leaves
        the spool folder)."""
        if not _JOB_ID.match(job_id):
            raise LookupError(f"not a live job id: {job_id!r}")
        return self.folder / f"{job_id}.json"

    def keep(self, job_id: str, data: bytes, mime_type: str, meta: dict[str, Any]) -> None:
        """The image first (it is what was paid for), then its sidecar; in memory when the
        folder cannot take them."""
        sidecar = self.sidecar(job_id)
        image_file = self.folder / f"{job_id}{_EXTENSIONS.get(mime_type, '.bin')}"
        record = {"job_id": job_id, "file": image_file.name, "mime_type": mime_type, **meta}
        try:
            atomic_write_bytes(image_file, data)
            atomic_write_bytes(sidecar, json.dumps(record, indent=1).encode())
        except OSError as error:
            log.warning("Holding the paid result of %s in memory: %s", job_id, error)
            with self._lock:
                self._held[job_id] = (data, record)

    def status(self, job_id: str) -> dict[str, Any]:
        """The client's status answer for a spooled result; LookupError when there is none."""
        with self._lock:
            held = self._held.get(job_id)
        if held is not None:
            return self._answer(job_id, held[1], f"{_MEMORY}{job_id}")
        try:
            meta = json.loads(self.sidecar(job_id).read_text(encoding="utf-8"))
            image_file = self.folder / Path(str(meta["file"])).name
        except (OSError, ValueError, KeyError, TypeError):
            raise LookupError(f"no spooled result for job {job_id}") from None
        if not image_file.is_file():
            raise LookupError(f"the spooled image of job {job_id} is missing")
        return self._answer(job_id, meta, image_file.resolve().as_uri())

    @staticmethod
    def _answer(job_id: str, meta: dict[str, Any], output_url: str) -> dict[str, Any]:
        usage = meta.get("usage") or {}
        return {
            "job_id": job_id, "status": "completed",
            "output_url": output_url,
            "completed_at": meta.get("completed_at"), "mime_type": meta.get("mime_type"),
            "model": meta.get("model"), "size": meta.get("size"),
            "usage": {"prompt_tokens": usage.get("prompt_tokens", 0),
                      "output_tokens": usage.get("output_tokens", 0),
                      "thoughts_tokens": usage.get("thoughts_tokens", 0),
                      "cost_usd": usage.get("cost_usd", 0.0)},
        }

    def read(self, output_url: str) -> bytes:
        """A spooled image's bytes; only file URIs inside the spool folder are accepted."""
        if output_url.startswith(_MEMORY):
            with self._lock:
                held = self._held.get(output_url.removeprefix(_MEMORY))
            if held is None:
                raise ValueError(f"no result held for {output_url!r}")
            return held[0]
        parts = urlsplit(output_url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"not a spooled result: {output_url!r}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.folder.resolve()):
            raise ValueError(f"not a spooled result: {output_url!r}")
        return path.read_bytes()

    def discard(self, job_id: str) -> None:
        """Delete a job's spool files once the engine has stored its result."""
        with self._lock:
            self._held.pop(job_id, None)
        sidecar = self.sidecar(job_id)
        with contextlib.suppress(OSError):  # the result is stored: a leftover is only clutter
            for path in self.folder.glob(f"{job_id}.*"):
                if path != sidecar:
                    path.unlink(missing_ok=True)
            sidecar.unlink(missing_ok=True)  # last: a crash midway leaves the result findable
