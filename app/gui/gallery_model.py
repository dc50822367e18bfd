"""The gallery's model: one row per job, oldest first, with targeted ``dataChanged`` per job.

No widget per job: the tile delegate paints each row from these roles, so ten thousand jobs cost
ten thousand small Python objects and nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QByteArray,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QPixmap

from app.core.job import Job, JobStatus
from app.gui.theme import status_text
from app.gui.thumbnails import ThumbnailLoader
from app.services.styles import UnknownStyleError, get_style

Index = QModelIndex | QPersistentModelIndex


class Role(IntEnum):
    JOB = Qt.ItemDataRole.UserRole + 1
    JOB_ID = Qt.ItemDataRole.UserRole + 2
    STATUS = Qt.ItemDataRole.UserRole + 3
    STYLE_NAME = Qt.ItemDataRole.UserRole + 4
    THUMBNAIL = Qt.ItemDataRole.UserRole + 5
    IS_DEMO = Qt.ItemDataRole.UserRole + 6
    SHORT_ERROR = Qt.ItemDataRole.UserRole + 7
    HAS_RESULT = Qt.ItemDataRole.UserRole + 8


def style_name(style_id: str) -> str:
    try:
        return get_style(style_id).name
    except UnknownStyleError:
        return style_id


def thumbnail_path(job: Job) -> str:
    """The result once there, the photo before: its small copy if made, else the file itself."""
    return job.result_thumbnail_path or job.thumbnail_path or job.source_path


def short_error(job: Job, limit: int = 60) -> str:
    text = (job.error or "").strip()
    first = text.split(". ")[0].rstrip(".")
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"


class GalleryModel(QAbstractListModel):
    counts_changed = Signal()

    def __init__(self, thumbnails: ThumbnailLoader | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []
        self._row: dict[str, int] = {}
        self._by_thumb: dict[str, set[str]] = {}
        self._counts: dict[JobStatus, int] = dict.fromkeys(JobStatus, 0)
        self._thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.thumbnail_loaded.connect(self._thumbnail_loaded)

    # -- Qt's model interface -------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._jobs)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._jobs):
            return None
        job = self._jobs[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return job.name
        if role == Role.THUMBNAIL:
            return self._thumbnail(job)
        if role == Role.JOB:
            return job
        if role == Role.JOB_ID:
            return job.id
        if role == Role.STATUS:
            return job.status.value  # a plain str: Qt's variants turn enums into str anyway
        if role == Role.STYLE_NAME:
            return style_name(job.style)
        if role == Role.IS_DEMO:
            return job.mode == "mock" and job.status is JobStatus.COMPLETED
        if role == Role.SHORT_ERROR:
            return short_error(job) if job.status is JobStatus.FAILED else ""
        if role == Role.HAS_RESULT:
            return bool(job.result_path)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = [job.name, style_name(job.style), status_text(job.status)]
            if job.status is JobStatus.FAILED and job.error:
                parts.append(job.error)
            return " · ".join(parts) if role == Qt.ItemDataRole.AccessibleTextRole \
                else "\n".join(parts)
        return None

    def roleNames(self) -> dict[int, QByteArray]:
        names = dict(super().roleNames())
        names.update({int(r): QByteArray(r.name.lower().encode()) for r in Role})
        return names

    # -- reading ---------------------------------------------------------------------------------

    def job_at(self, row: int) -> Job | None:
        return self._jobs[row] if 0 <= row < len(self._jobs) else None

    def job(self, job_id: str) -> Job | None:
        row = self._row.get(job_id)
        return None if row is None else self._jobs[row]

    def row_of(self, job_id: str) -> int | None:
        return self._row.get(job_id)

    def index_of(self, job_id: str) -> QModelIndex:
        row = self._row.get(job_id)
        return QModelIndex() if row is None else self.index(row, 0)

    def jobs(self) -> list[Job]:
        return list(self._jobs)

    def counts(self) -> dict[JobStatus, int]:
        return dict(self._counts)

    def ids_with(self, *statuses: JobStatus) -> list[str]:
        wanted = set(statuses)
        return [j.id for j in self._jobs if j.status in wanted]

    # -- changing --------------------------------------------------------------------------------

    def add_jobs(self, jobs: Iterable[Job]) -> list[str]:
        """Append jobs not yet shown (in order); update those already shown. Returns new ids."""
        fresh: list[Job] = []
        seen: set[str] = set()
        for job in jobs:
            if job.id in self._row:
                self.update_job(job)
            elif job.id not in seen:
                seen.add(job.id)
                fresh.append(job)
        if not fresh:
            return []
        first = len(self._jobs)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, job in enumerate(fresh):
            self._jobs.append(job)
            self._row[job.id] = first + offset
            self._track(job)
        self.endInsertRows()
        self.counts_changed.emit()
        return [j.id for j in fresh]

    def update_job(self, job: Job) -> bool:
        """Replace a shown job with its new state; False when it is not shown (or unchanged)."""
        row = self._row.get(job.id)
        if row is None:
            return False
        old = self._jobs[row]
        if old == job:
            return False
        self._untrack(old)
        self._jobs[row] = job
        self._track(job)
        index = self.index(row, 0)
        self.dataChanged.emit(index, index)
        if old.status is not job.status:
            self.counts_changed.emit()
        return True

    def remove_ids(self, job_ids: Iterable[str]) -> None:
        rows = sorted({self._row[i] for i in job_ids if i in self._row}, reverse=True)
        if not rows:
            return
        # Contiguous runs, from the end, so each removal leaves earlier rows where they were.
        runs: list[tuple[int, int]] = []
        for row in rows:
            if runs and runs[-1][0] == row + 1:
                runs[-1] = (row, runs[-1][1])
            else:
                runs.append((row, row))
        for first, last in runs:
            self.beginRemoveRows(QModelIndex(), first, last)
            for job in self._jobs[first:last + 1]:
                self._untrack(job)
            del self._jobs[first:last + 1]
            self.endRemoveRows()
        self._row = {job.id: n for n, job in enumerate(self._jobs)}
        self.counts_changed.emit()

    def clear(self) -> None:
        self.beginResetModel()
        self._jobs.clear()
        self._row.clear()
        self._by_thumb.clear()
        self._counts = dict.fromkeys(JobStatus, 0)
        self.endResetModel()
        self.counts_changed.emit()

    # -- bookkeeping -----------------------------------------------------------------------------

    def _track(self, job: Job) -> None:
        self._counts[job.status] += 1
        self._by_thumb.setdefault(thumbnail_path(job), set()).add(job.id)

    def _untrack(self, job: Job) -> None:
        self._counts[job.status] -= 1
        key = thumbnail_path(job)
        ids = self._by_thumb.get(key)
        if ids is not None:
            ids.discard(job.id)
            if not ids:
                del self._by_thumb[key]

    def _thumbnail(self, job: Job) -> QPixmap | None:
        if self._thumbnails is None:
            return None
        pixmap = self._thumbnails.pixmap(thumbnail_path(job))
        if pixmap is None and job.result_thumbnail_path and job.thumbnail_path:
            # The result's thumbnail is on its way: show the photo's meanwhile if cached.
            pixmap = self._thumbnails.cached(job.thumbnail_path)
        return pixmap

    def _thumbnail_loaded(self, path: str) -> None:
        for job_id in self._by_thumb.get(path, ()):
            row = self._row.get(job_id)
            if row is not None:
                index = self.index(row, 0)
                self.dataChanged.emit(index, index, [Role.THUMBNAIL])
