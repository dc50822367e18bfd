"""The marketplace verdict of each finished job: ``check_file`` on its result for the chosen
preset, run off the GUI thread and cached per (job, preset).

Checks are asked for by what is painted (a tile on screen, the detail view), as thumbnails are:
ten thousand finished jobs in the history cost nothing until they are seen. A check is 10-130 ms
of decoding and pixel work, so it never runs on the GUI thread; one runs at a time on the image
pool, so thumbnails (which share that pool) never wait behind a screenful of checks. The waiting
list is bounded and served newest first: after a quick scroll, what is on screen now is checked,
not what was on screen a second ago. Checks are paced, so that the GUI thread (which needs the
interpreter lock too) stays smooth on a two-core laptop: one starts once no new tile has asked
for a moment (tiles flying past in a scroll are not worth one; the newest asked still gets its
turn within a second), and each rests as long as it took before the next starts, at most half
of one core. The detail view's check goes first, at once.

Reports are kept as plain tuples of strings: the garbage collector stops tracking those, so a
few thousand cached reports add nothing to its full collections, which stop every thread (the
GUI thread too) for as long as they take.

It also remembers which exports of this session enlarged the model's output, so the tile and the
detail view can say so rather than let an upscaled file pass for a sharp one.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal

from app.checks.presets import DEFAULT_PRESET, Preset, UnknownPresetError, get_preset
from app.core.job import Job, JobStatus
from app.gui.pools import run_for

if TYPE_CHECKING:
    from app.checks.export import ExportResult

Key = tuple[str, str]  # (job id, preset id)
Row = tuple[str, str, str]  # a check: its id, its verdict ("pass", "warn", "fail"), its reason
Report = tuple[str, tuple[Row, ...]]  # the overall verdict, and every check in order

log = logging.getLogger(__name__)

SETTLE_S = 0.08  # no new tile asked for this long: the view is still
MAX_WAIT_S = 1.0  # ...or the newest asked has waited this long
REST_MIN_S = 0.03  # between two checks, at least (else as long as the last took)



def checkable(job: Job) -> bool:
    """A finished job with a result to judge."""
    return job.status is JobStatus.COMPLETED and bool(job.result_path)


def preset_or_default(preset_id: str) -> Preset:
    """The preset, or the default one for an id no longer known (a setting saved by another
    version)."""
    try:
        return get_preset(preset_id)
    except UnknownPresetError:
        return get_preset(DEFAULT_PRESET)


def _check(path: str, preset: Preset) -> Report:
    """Worker thread: the result file judged, as plain tuples."""
    from app.checks.image_checks import check_file

    report = check_file(Path(path), preset)
    return report.verdict, tuple((c.id, c.verdict, c.message) for c in report.checks)


@dataclass(frozen=True)
class UpscaledExport:
    """An export that enlarged the model's pixels: the file holds no more detail than that."""

    preset_name: str
    output: str
    native_edge: int  # the longest side as the model made it (after any framing)
    edge: int  # the longest side written


class MarketplaceChecks(QObject):
    checked = Signal(str)  # job id: its report for the current preset is now known
    preset_changed = Signal(str)  # the preset id now judged against
    upscaled_noted = Signal(str)  # job id: an export of it was enlarged

    def __init__(self, pool: QThreadPool, preset_id: str = DEFAULT_PRESET, *,
                 max_waiting: int = 64, capacity: int = 4000,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._pool = pool
        self._preset = preset_or_default(preset_id)
        self._max_waiting = max_waiting
        self._capacity = capacity
        # (job id, preset id) -> (the result file judged, its report): a new result (a retry)
        # has another path, so it is judged again.
        self._reports: OrderedDict[Key, tuple[str, Report]] = OrderedDict()
        self._waiting: OrderedDict[Key, str] = OrderedDict()  # newest last
        self._urgent: OrderedDict[Key, str] = OrderedDict()  # the detail view's: first
        self._running: Key | None = None
        self._started = 0.0
        self._last_new = 0.0  # when a tile last asked for a check not yet waiting
        self._waiting_since = 0.0
        self._rest_until = 0.0
        self._pace = QTimer(self)
        self._pace.setSingleShot(True)
        self._pace.timeout.connect(self._schedule)
        self._upscaled: dict[str, dict[str, UpscaledExport]] = {}

    # -- the preset ----------------------------------------------------------------------------

    @property
    def preset(self) -> Preset:
        return self._preset

    def set_preset(self, preset_id: str) -> None:
        preset = preset_or_default(preset_id)
        if preset.id == self._preset.id:
            return
        self._preset = preset
        # Requests for the old preset are of no use now; what is on screen asks again.
        self._waiting.clear()
        self._urgent.clear()
        self.preset_changed.emit(preset.id)

    # -- reports -------------------------------------------------------------------------------

    def report(self, job: Job, *, urgent: bool = False) -> Report | None:
        """The job's report for the current preset; None (after asking for it) while it is
        being made, and for a job without a result."""
        if not checkable(job):
            return None
        key = (job.id, self._preset.id)
        cached = self._reports.get(key)
        if cached is not None and cached[0] == job.result_path:
            self._reports.move_to_end(key)
            return cached[1]
        self._request(key, str(job.result_path), urgent)
        return None

    def verdict(self, job: Job) -> str:
        """"pass", "warn" or "fail"; "" while unknown or for a job without a result."""
        report = self.report(job)
        return report[0] if report is not None else ""

    @property
    def pending(self) -> int:
        return len(self._waiting) + len(self._urgent) + (self._running is not None)

    def _request(self, key: Key, path: str, urgent: bool) -> None:
        if key == self._running:
            return
        queue = self._waiting
        if urgent or key in self._urgent:
            self._waiting.pop(key, None)
            queue = self._urgent
        elif key not in queue:
            now = time.monotonic()
            if not queue:
                self._waiting_since = now
            self._last_new = now
        queue[key] = path
        queue.move_to_end(key)
        while len(self._waiting) > self._max_waiting:  # long scrolled past: asked again if seen
            self._waiting.popitem(last=False)
        self._schedule()

    def _schedule(self) -> None:
        """Start the next check now if its time has come, else when it will have."""
        if self._running is not None or not (self._urgent or self._waiting):
            return
        now = time.monotonic()
        due = now if self._urgent else max(
            self._rest_until, min(self._last_new + SETTLE_S, self._waiting_since + MAX_WAIT_S))
        if due <= now:
            self._pace.stop()
            self._start_next()
        elif not self._pace.isActive() or self._pace.remainingTime() > (due - now) * 1000 + 5:
            self._pace.start(max(1, round((due - now) * 1000)))

    def _start_next(self) -> None:
        while self._urgent or self._waiting:
            key, path = (self._urgent or self._waiting).popitem(last=True)
            cached = self._reports.get(key)
            if cached is None or cached[0] != path:  # not judged meanwhile
                break
        else:
            return
        self._running = key
        self._started = self._waiting_since = time.monotonic()
        preset = get_preset(key[1])
        run_for(self, self._pool, lambda: _check(path, preset),
                on_done=lambda report: self._finished(key, path, report),
                on_error=lambda error: self._failed(key, error))

    def _finished(self, key: Key, path: str, report: Report) -> None:
        self._running = None
        self._reports[key] = (path, report)
        self._reports.move_to_end(key)
        while len(self._reports) > self._capacity:
            self._reports.popitem(last=False)
        if key[1] == self._preset.id:
            self.checked.emit(key[0])
        self._rest()

    def _failed(self, key: Key, error: BaseException) -> None:
        # check_file says what is wrong with a file rather than raising: this is a bug. Not
        # asked again until the job is seen again, so it cannot spin.
        log.error("Checking a result for %s failed", key[1], exc_info=error)
        self._running = None
        self._rest()

    def _rest(self) -> None:
        """The next check no sooner than this one took (an urgent one at once)."""
        now = time.monotonic()
        self._rest_until = now + max(REST_MIN_S, now - self._started)
        self._schedule()

    # -- exports that enlarged the result ------------------------------------------------------

    def note_export(self, job_id: str, result: ExportResult) -> None:
        if not result.upscaled:
            return
        rendered = result.rendered
        preset = preset_or_default(result.preset)
        self._upscaled.setdefault(job_id, {})[preset.id] = UpscaledExport(
            preset.name, str(result.output), max(rendered.native_size), max(rendered.size))
        self.upscaled_noted.emit(job_id)

    def upscaled(self, job_id: str) -> list[UpscaledExport]:
        """This session's exports of the job that were enlarged, one per preset."""
        return list(self._upscaled.get(job_id, {}).values())
