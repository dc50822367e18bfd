"""The job history: clearing it, and how much room the app's own copies take.

Clearing removes jobs and the app's private files for them (upload copies, results as
received, thumbnails); the results exported to the user's output folder are never touched.
Queued and running jobs are not history yet: they stay.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.job import Job, JobStatus
from app.core.storage import Storage
from app.core.store import JobStore

FINISHED = (JobStatus.COMPLETED, JobStatus.FAILED, JobStatus.CANCELLED)


@dataclass(frozen=True)
class Cleared:
    removed: int
    bytes_freed: int


def own_files(job: Job) -> list[Path]:
    """The app's private copies for a job (never the exported result)."""
    names = (job.upload_path, job.thumbnail_path, job.result_thumbnail_path, job.result_path,
             job.mask_path)
    return [Path(name) for name in names if name]


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def clear_history(store: JobStore, storage: Storage,
                  job_ids: Sequence[str] | None = None) -> Cleared:
    """Forget the finished jobs named (all of them with None) and delete their own files."""
    jobs = store.all(FINISHED) if job_ids is None else [
        job for job in store.many(job_ids) if job.status in FINISHED]
    freed = sum(_size(path) for job in jobs for path in own_files(job))
    removed = store.remove([job.id for job in jobs])
    for job in removed:
        storage.remove_job_files(job)
    return Cleared(len(removed), freed)


def folder_size(folder: Path) -> int:
    """Bytes in the files under ``folder`` (what the data folder takes on the disk)."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total
