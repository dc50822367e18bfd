"""The spool: where a paid image lands the moment it arrives, before anything else happens.

Each result is two files in the data folder's ``incoming/``: the image, then a JSON sidecar
(what was asked, of which model, and what it cost). The sidecar is written last and removed
last, so a kill at any moment leaves a result either findable whole or not there at all. The
engine collects it by the job id it recorded before the request was sent.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from app.core.files import atomic_write_bytes

_JOB_ID = re.compile(r"^gem_[0-9a-f]{12}$")
_EXTENSIONS = {"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}


class ResultSpool:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def sidecar(self, job_id: str) -> Path:
        """Raises LookupError for an id that is not a live job id (a crafted id never leaves
        the spool folder)."""
        if not _JOB_ID.match(job_id):
            raise LookupError(f"not a live job id: {job_id!r}")
        return self.folder / f"{job_id}.json"

    def keep(self, job_id: str, data: bytes, mime_type: str, meta: dict[str, Any]) -> None:
        """The image first (it is what was paid for), then its sidecar."""
        sidecar = self.sidecar(job_id)
        image_file = self.folder / f"{job_id}{_EXTENSIONS.get(mime_type, '.bin')}"
        atomic_write_bytes(image_file, data)
        record = {"job_id": job_id, "file": image_file.name, "mime_type": mime_type, **meta}
        atomic_write_bytes(sidecar, json.dumps(record, indent=1).encode())

    def status(self, job_id: str) -> dict[str, Any]:
        """The client's status answer for a spooled result; LookupError when there is none."""
        try:
            meta = json.loads(self.sidecar(job_id).read_text(encoding="utf-8"))
            image_file = self.folder / Path(str(meta["file"])).name
        except (OSError, ValueError, KeyError, TypeError):
            raise LookupError(f"no spooled result for job {job_id}") from None
        if not image_file.is_file():
            raise LookupError(f"the spooled image of job {job_id} is missing")
        usage = meta.get("usage") or {}
        return {
            "job_id": job_id, "status": "completed",
            "output_url": image_file.resolve().as_uri(),
            "completed_at": meta.get("completed_at"), "mime_type": meta.get("mime_type"),
            "model": meta.get("model"), "size": meta.get("size"),
            "usage": {"prompt_tokens": usage.get("prompt_tokens", 0),
                      "output_tokens": usage.get("output_tokens", 0),
                      "thoughts_tokens": usage.get("thoughts_tokens", 0),
                      "cost_usd": usage.get("cost_usd", 0.0)},
        }

    def read(self, output_url: str) -> bytes:
        """A spooled image's bytes; only file URIs inside the spool folder are accepted."""
        parts = urlsplit(output_url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise ValueError(f"not a spooled result: {output_url!r}")
        path = Path(url2pathname(unquote(parts.path))).resolve()
        if not path.is_relative_to(self.folder.resolve()):
            raise ValueError(f"not a spooled result: {output_url!r}")
        return path.read_bytes()

    def discard(self, job_id: str) -> None:
        """Delete a job's spool files once the engine has stored its result."""
        sidecar = self.sidecar(job_id)
        for path in self.folder.glob(f"{job_id}.*"):
            if path != sidecar:
                path.unlink(missing_ok=True)
        sidecar.unlink(missing_ok=True)  # last, so a crash midway leaves the result findable
