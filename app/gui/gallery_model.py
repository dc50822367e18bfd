"""The gallery's model: one row per job, with targeted ``dataChanged`` per job.

Rows are kept in display order: the newest batch first (photos of one batch in the order they
were added), or the oldest first. Keeping the order here rather than in a sorting proxy keeps
inserting and repainting ten thousand rows free of per-comparison Python calls.

No widget per job: the tile delegate paints each row from these roles, so ten thousand jobs cost
ten thousand small Python objects and nothing more.
"""

from __future__ import annotations

import textwrap
from bisect import bisect_left
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
from app.gui.market_checks import MarketplaceChecks
from app.gui.theme import status_text
from app.gui.thumbnails import ThumbnailLoader
from app.gui.verdict_mark import check_name, verdict_word
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
    WARNING = Qt.ItemDataRole.UserRole + 9  # str: "" without one
    MARKET = Qt.ItemDataRole.UserRole + 10  # "pass", "warn", "fail"; "" unknown or no result
    UPSCALED = Qt.ItemDataRole.UserRole + 11  # bool: an export of it enlarged its pixels


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


SortKey = tuple[float, int]


def _retryable(job: Job) -> int:
    """1 for a job that "Retry failed" would retry (the engine's ``retryable_failed``)."""
    return int(job.status is JobStatus.FAILED and job.retryable)


class GalleryModel(QAbstractListModel):
    counts_changed = Signal()

    def __init__(self, thumbnails: ThumbnailLoader | None = None, parent: Any = None, *,
                 newest_first: bool = False, checks: MarketplaceChecks | None = None) -> None:
        super().__init__(parent)
        self._jobs: list[Job] = []  # in display order
        self._keys: list[SortKey] = []  # each row's sort key, ascending
        self._arrival: dict[str, int] = {}  # the order jobs reached the model (ties in a batch)
        self._newest_first = newest_first
        self._row: dict[str, int] = {}
        self._by_thumb: dict[str, set[str]] = {}
        self._counts: dict[JobStatus, int] = dict.fromkeys(JobStatus, 0)
        self._retryable = 0
        self._thumbnails = thumbnails
        if thumbnails is not None:
            thumbnails.thumbnail_loaded.connect(self._thumbnail_loaded)
        self._checks = checks
        if checks is not None:
            checks.checked.connect(self._market_changed)
            checks.upscaled_noted.connect(self._market_changed)
            checks.preset_changed.connect(self._preset_changed)

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
            return job.is_demo_result and job.status is JobStatus.COMPLETED
        if role == Role.SHORT_ERROR:
            return short_error(job) if job.status is JobStatus.FAILED else ""
        if role == Role.HAS_RESULT:
            return bool(job.result_path)
        if role == Role.WARNING:
            return job.warning or ""
        if role == Role.MARKET:
            return self._checks.verdict(job) if self._checks is not None else ""
        if role == Role.UPSCALED:
            return self._checks is not None and bool(self._checks.upscaled(job.id))
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            parts = [job.name, style_name(job.style), status_text(job.status)]
            if job.status is JobStatus.FAILED and job.error:
                parts.append(job.error)
            if job.warning:
                parts.append(self.tr("Note: %1").replace("%1", job.warning))
            parts.extend(self._market_lines(job))
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

    def retryable_count(self) -> int:
        """Failed jobs worth another try (what "Retry failed" retries): not those whose photo
        can never work."""
        return self._retryable

    @property
    def newest_first(self) -> bool:
        return self._newest_first

    def ids_with(self, *statuses: JobStatus) -> list[str]:
        wanted = set(statuses)
        return [j.id for j in self._jobs if j.status in wanted]

    # -- changing --------------------------------------------------------------------------------

    def add_jobs(self, jobs: Iterable[Job]) -> list[str]:
        """Show jobs not yet shown, each where the order puts it; update those already shown.
        Returns the new ids, in the order given."""
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
        for job in fresh:
            self._arrival[job.id] = len(self._arrival)
        keyed = sorted((self._key(job), job) for job in fresh)  # keys are unique: no Job compare
        # Runs of new jobs that land at the same place, inserted from the top down: one
        # insertion for a new batch (at the top, or at the end), a few for a history chunk.
        runs: list[tuple[int, list[tuple[SortKey, Job]]]] = []
        for key, job in keyed:
            at = bisect_left(self._keys, key)
            if runs and runs[-1][0] == at:
                runs[-1][1].append((key, job))
            else:
                runs.append((at, [(key, job)]))
        shift = 0
        for at, run in runs:
            first = at + shift
            appending = first == len(self._jobs)
            self.beginInsertRows(QModelIndex(), first, first + len(run) - 1)
            self._keys[first:first] = [key for key, _ in run]
            self._jobs[first:first] = [job for _, job in run]
            if appending:
                self._row.update((job.id, first + n) for n, (_, job) in enumerate(run))
            else:
                self._row = {job.id: n for n, job in enumerate(self._jobs)}
            for _, job in run:
                self._track(job)
            self.endInsertRows()
            shift += len(run)
        self.counts_changed.emit()
        return [j.id for j in fresh]

    def set_newest_first(self, newest_first: bool) -> None:
        """Reorder the rows; selections and other persistent indexes follow their jobs."""
        if newest_first == self._newest_first:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._jobs[index.row()].id for index in persistent]
        self._newest_first = newest_first
        keyed = sorted((self._key(job), job) for job in self._jobs)
        self._keys = [key for key, _ in keyed]
        self._jobs = [job for _, job in keyed]
        self._row = {job.id: n for n, job in enumerate(self._jobs)}
        self.changePersistentIndexList(persistent, [self.index(self._row[i], 0) for i in ids])
        self.layoutChanged.emit()

    def _key(self, job: Job) -> SortKey:
        """Jobs of one batch share their creation time: within it, the order they came in."""
        when = -job.created_at if self._newest_first else job.created_at
        return when, self._arrival[job.id]

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
                self._arrival.pop(job.id, None)
            del self._jobs[first:last + 1]
            del self._keys[first:last + 1]
            self.endRemoveRows()
        self._row = {job.id: n for n, job in enumerate(self._jobs)}
        self.counts_changed.emit()

    def clear(self) -> None:
        self.beginResetModel()
        self._jobs.clear()
        self._keys.clear()
        self._arrival.clear()
        self._row.clear()
        self._by_thumb.clear()
        self._counts = dict.fromkeys(JobStatus, 0)
        self._retryable = 0
        self.endResetModel()
        self.counts_changed.emit()

    # -- the marketplace check --------------------------------------------------------------------

    def _market_lines(self, job: Job) -> list[str]:
        """For the tooltip: the verdict for the chosen marketplace with what is wrong, and the
        exports that were enlarged."""
        if self._checks is None or job.status is not JobStatus.COMPLETED:
            return []
        report = self._checks.report(job)
        name = self._checks.preset.name
        verdict, rows = report if report is not None else ("", ())
        lines = [self.tr("%1: %2").replace("%1", name).replace("%2", verdict_word(verdict))]
        for check_id, check_verdict, message in rows:
            if check_verdict != "pass":  # wrapped: a tooltip line never wraps by itself
                lines.append(textwrap.fill(
                    f"{'✕' if check_verdict == 'fail' else '!'} {check_name(check_id)}: "
                    f"{message}", 90, initial_indent="  ", subsequent_indent="      "))
        for export in self._checks.upscaled(job.id):
            lines.append(self.tr("Upscaled for %1: enlarged from %2 to %3 px, with no more "
                                 "detail than the model made").replace(
                "%1", export.preset_name).replace("%2", str(export.native_edge)).replace(
                "%3", str(export.edge)))
        return lines

    def _market_changed(self, job_id: str) -> None:
        row = self._row.get(job_id)
        if row is not None:
            index = self.index(row, 0)
            self.dataChanged.emit(index, index, [Role.MARKET, Role.UPSCALED])

    def _preset_changed(self, _preset_id: str) -> None:
        if self._jobs:  # one signal for all rows: the view repaints what is on screen
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._jobs) - 1, 0),
                                  [Role.MARKET])

    # -- bookkeeping -----------------------------------------------------------------------------

    def _track(self, job: Job) -> None:
        self._counts[job.status] += 1
        self._retryable += _retryable(job)
        self._by_thumb.setdefault(thumbnail_path(job), set()).add(job.id)

    def _untrack(self, job: Job) -> None:
        self._counts[job.status] -= 1
        self._retryable -= _retryable(job)
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
