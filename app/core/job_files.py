"""A job's files, each step recorded before the next so that a kill never costs a redo: the
upload copy made from the photo, the result as received, and the copy exported for the user
(exactly once, where the run that queued the job asked)."""

from __future__ import annotations

import contextlib
import hashlib
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.checks.provenance import labelled, source_type_for
from app.core.config import Config
from app.core.files import atomic_write_bytes
from app.core.job import ERROR_KIND_PHOTO, Job
from app.core.storage import Storage, extension_for
from app.core.store import JobStore
from app.images.intake import SMALL_LONG_EDGE, prepare_photo, read_photo
from app.services.errors import PhotoUnusableError
from app.services.nano_banana_client import NanoBananaClient

log = logging.getLogger(__name__)

DEMO_FOLDER = "Demo"
SMALL_PHOTO = "Small photo: the result may lack detail."


class JobFiles:
    def __init__(self, store: JobStore, storage: Storage, config: Callable[[], Config]) -> None:
        self.store = store
        self.storage = storage
        self._config = config  # the engine's current settings (they change with Settings)

    @property
    def config(self) -> Config:
        return self._config()

    def forget_result(self, job: Job, client: NanoBananaClient) -> None:
        if job.client_job_id:
            client.discard(job.client_job_id)
        if job.result_path:
            Path(job.result_path).unlink(missing_ok=True)
        self.store.update(job.id, client_job_id=None, request_sent_at=None, result_path=None,
                          result_mime=None)

    def export(self, job: Job, data: bytes, mime: str, *, replace: bool = False) -> Job:
        """Copy the result to the output folder exactly once, even across a kill, carrying the
        IPTC label of how it was made (AI or demo composite) and no other metadata.

        The chosen name is recorded before the file is written, so a restart finishes the
        same file instead of adding a second copy beside it. ``replace``: a touched-up result
        takes the place of the copy exported before (same name, same format).
        """
        data = labelled(data, source_type_for(job))  # the same pixels, not re-encoded
        if job.output_path:
            target = Path(job.output_path)
            try:
                if target.read_bytes() == data:
                    return job
            except OSError:
                pass
            if replace and target.suffix.lower() == extension_for(mime):
                atomic_write_bytes(target, data)
                return job
        else:
            # Where the run that queued it asked (a resume after a kill writes to the same
            # --out folder); demo results in a Demo subfolder, "demo" in their names, so they
            # never sit beside a paid result.
            folder = Path(job.output_dir or self.config.output_dir)
            pattern = job.filename_pattern or self.config.filename_pattern
            if job.is_demo_result:
                folder, pattern = folder / DEMO_FOLDER, pattern + "_demo"
            target = self.storage.output_target(job.source_path, job.style, mime, folder,
                                                pattern)
            job = self.store.update(job.id, output_path=str(target))
        written = self.storage.export(target, data)
        if written != target:
            job = self.store.update(job.id, output_path=str(written))
        return job

    def stored_result(self, job: Job) -> tuple[bytes | None, str]:
        """A result already stored by an earlier, interrupted run, when it is still whole. A
        stored file the disk lost or garbled is not exported: the result is collected again
        from the spool or, when that is gone too, made again from the stored upload."""
        if not (job.result_path and job.result_mime):
            return None, ""
        from app.images.thumbnails import is_complete_image

        try:
            data: bytes | None = Path(job.result_path).read_bytes()
        except OSError:
            data = None
        if data is not None and is_complete_image(data):
            return data, job.result_mime
        log.warning("The stored result of job %s is missing or damaged; getting it again",
                    job.id)
        with contextlib.suppress(OSError):
            Path(job.result_path).unlink(missing_ok=True)
        self.store.update(job.id, result_path=None, result_mime=None,
                          result_thumbnail_path=None)
        return None, ""

    def prepare_upload(self, job: Job) -> Job:
        if job.upload_path and Path(job.upload_path).exists():
            return job
        try:
            raw = read_photo(Path(job.source_path))
            prepared = prepare_photo(raw, name=job.name)
        except PhotoUnusableError as error:
            error.kind = ERROR_KIND_PHOTO  # gone, empty, not a photo: retrying cannot help
            raise
        upload = self.storage.write_upload(job.id, prepared.data, prepared.extension)
        thumb = self.storage.write_thumbnail(job.id, "source", prepared.thumbnail,
                                             prepared.thumbnail_mime)
        values: dict[str, Any] = {"upload_path": str(upload), "thumbnail_path": str(thumb)}
        if max(prepared.original_size) < SMALL_LONG_EDGE:
            values["warning"] = SMALL_PHOTO
        if job.source_hash is None:
            values["source_hash"] = hashlib.sha256(raw).hexdigest()
        return self.store.update(job.id, **values)
