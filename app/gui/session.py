"""The app's side of the engine: opening the store off the GUI thread, the runner lock shared with
the command line, the job queue, history loaded in chunks, adding photos, and the live model.

Only one process runs the queue at a time (``app.worker.RunnerLock``). When a command-line
run holds the lock, the gallery still shows every job (refreshed as the other run works) but
this window's queue is held; it takes over as soon as the lock is free.

In live mode the model is chosen in the background as soon as the engine opens and after every
change of settings (a free call, cached for a day), so the status bar and the prices name the
model in use before the first photo is sent. Nothing paid starts without a yes: the spending gate
(``app.gui.consent``) holds every job the queue is about to run, also those left from before.
The engine tells its listeners on worker threads; the session passes that on as Qt signals,
which Qt queues to the GUI thread.
"""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QImage

from app.core.config import Config, Mode, Source, Value
from app.core.engine import Engine
from app.core.job import Job
from app.core.logging_setup import register_secret
from app.core.store import StoreError
from app.gui.consent import SpendingGate
from app.gui.gui_queue import GuiJobQueue
from app.gui.pools import Pools, run_for
from app.gui.samples import sample_photos
from app.services.model_catalog import ModelChoice
from app.worker import RunnerLock

log = logging.getLogger(__name__)

HISTORY_CHUNK = 1000
LOCK_POLL_MS = 4000


@dataclass
class Opened:
    engine: Engine
    lock: RunnerLock
    holds_lock: bool
    jobs: list[Job] = field(default_factory=list)


@dataclass(frozen=True)
class Sorted:
    keep: list[str]  # photos and folders, for the engine
    not_photos: list[str]  # named files that are not photos: reported, not added


def sort_paths(paths: Iterable[str]) -> Sorted:
    """Worker thread: separate photos and folders from other files (by extension)."""
    from app.images.intake import IMAGE_EXTENSIONS

    keep: list[str] = []
    not_photos: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir() or path.suffix.lower() in IMAGE_EXTENSIONS:
            keep.append(str(path))
        else:
            not_photos.append(str(path))
    return Sorted(keep, not_photos)


def save_pasted(image: QImage, folder: Path) -> str:
    """Worker thread: a pasted picture becomes a PNG file the engine can work from."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = folder / f"pasted-{stamp}.png"
    n = 1
    while target.exists():
        n += 1
        target = folder / f"pasted-{stamp}-{n}.png"
    if not image.save(str(target)):  # PNG, from the name
        raise OSError(f"could not save the pasted picture to {target}")
    return str(target)


def preload_modules() -> None:
    """Worker thread: import what the window imports lazily later (keyring, httpx, Pillow,
    the marketplace checks and export), so that reading those files never happens on the GUI
    thread."""
    from PIL import Image

    import app.checks.export
    import app.checks.image_checks
    import app.core.secrets
    import app.images.intake
    import app.services.gemini_client
    import app.services.pricing  # noqa: F401

    Image.init()  # every image plugin, as the first marketplace check would (a third of a second)


_settled = False


def settle_collector() -> None:
    """Worker thread, once per process, after start-up: the modules, the engine and the history
    loaded now live as long as the app, so the garbage collector's full passes stop walking
    them (``gc.freeze``). A full pass holds every thread, the GUI thread too, for as long as it
    takes; with the app's own modules and Pillow's plugins left out, that is about half as
    long. The jobs are not cyclic: replaced ones are still freed at once."""
    global _settled
    if not _settled:
        _settled = True
        gc.collect()
        gc.freeze()


class AppSession(QObject):
    opened = Signal()  # the engine and the queue exist
    open_failed = Signal(str)
    history_set_aside = Signal(str)  # the history was damaged: kept aside, a new one begun
    history_loaded = Signal(object)  # list[Job]: a chunk, in order (also refreshes)
    history_finished = Signal()
    lock_changed = Signal(bool)  # True: this window runs the queue
    usage_updated = Signal(object)  # UsageTotals of this month
    config_changed = Signal(object)  # Config
    not_photos_skipped = Signal(object)  # list[str] of named files that are not photos
    image_saved = Signal(str)  # a pasted picture, now a file to add like a dropped one
    problem_reported = Signal(str)  # a plain sentence
    model_chosen = Signal(object)  # ModelChoice: the live model settled (emitted on a worker)
    model_warned = Signal(str)  # "gemini-x will be retired on ...": once per model (a worker)

    def __init__(self, config: Config, pools: Pools, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.config = config
        self.pools = pools
        self.engine: Engine | None = None
        self.queue: GuiJobQueue | None = None
        self.gate = SpendingGate(self)  # live mode: nothing paid starts without a yes
        self.holds_lock = False
        self._lock: RunnerLock | None = None
        self._waiting_adds: list[tuple[list[str], str]] = []
        self._lock_timer = QTimer(self)
        self._lock_timer.setInterval(LOCK_POLL_MS)
        self._lock_timer.timeout.connect(self._poll_lock)
        self._polling = False
        self._closed = False

    # -- opening ---------------------------------------------------------------------------------

    def open(self) -> None:
        config = self.config

        def work() -> Opened:
            engine = Engine(config)
            lock = RunnerLock(config.paths.data)
            holds = lock.try_acquire()
            if holds:
                engine.recover()
            sample_photos()  # the listing is cached here, off the GUI thread
            preload_modules()
            jobs = engine.store.all()
            settle_collector()
            return Opened(engine, lock, holds, jobs)

        run_for(self, self.pools.io, work, on_done=self._opened, on_error=self._open_error)

    def _open_error(self, error: BaseException) -> None:
        if isinstance(error, StoreError):  # too new, or cannot be opened: said plainly
            log.error("Could not open the job store: %s", error.message)
            self.open_failed.emit(error.message)
            return
        log.error("Could not open the job store", exc_info=error)
        self.open_failed.emit(str(error) or type(error).__name__)

    def _opened(self, opened: Opened) -> None:
        if self._closed:
            opened.lock.release()
            opened.engine.close()
            return
        self.engine = opened.engine
        self._lock = opened.lock
        self.holds_lock = opened.holds_lock
        self.queue = GuiJobQueue(self.engine, parent=self)
        self.gate.attach(self.queue)  # before anything is queued
        self.engine.notices.chosen.append(self._notice_chosen)
        self.engine.notices.warned.append(self._notice_warned)
        self.settle_model()
        if not self.holds_lock:
            self.queue.pause()
            self._lock_timer.start()
        self.opened.emit()
        if self.engine.store_notice is not None:
            self.history_set_aside.emit(self.engine.store_notice.message)
        self._feed(opened.jobs, 0, then=self._history_done)

    def _feed(self, jobs: list[Job], start: int, then: object = None) -> None:
        """Hand the jobs to the gallery a chunk per event-loop turn: the window stays live."""
        if self._closed:
            return
        chunk = jobs[start:start + HISTORY_CHUNK]
        if chunk:
            self.history_loaded.emit(chunk)
        if start + HISTORY_CHUNK < len(jobs):
            QTimer.singleShot(0, lambda: self._feed(jobs, start + HISTORY_CHUNK, then))
        elif callable(then):
            then()

    def _history_done(self) -> None:
        self.history_finished.emit()
        if self.holds_lock:
            self._start_queue()
        self.lock_changed.emit(self.holds_lock)
        for paths, style in self._waiting_adds:
            self.add_paths(paths, style)
        self._waiting_adds.clear()
        self.refresh_usage()

    def _start_queue(self) -> None:
        """Run what is queued. In live mode the gate holds what an earlier run left without a
        yes and asks first (once, with the price), or lets a batch below the setting run."""
        assert self.queue is not None
        if self.config.mode is Mode.LIVE:
            self.gate.hold_start()
        self.queue.start()

    def resume(self) -> None:
        """Resume the queue (the batch line, the menu, a fixed problem): through the gate."""
        self.gate.resume()

    # -- the runner lock -------------------------------------------------------------------------

    def _poll_lock(self) -> None:
        if self._polling or self._lock is None or self.engine is None:
            return
        self._polling = True
        lock, engine = self._lock, self.engine

        def work() -> tuple[bool, list[Job]]:
            return lock.try_acquire(), engine.store.all()

        def done(result: tuple[bool, list[Job]]) -> None:
            self._polling = False
            got, jobs = result
            if self._closed:
                if got:
                    lock.release()
                return
            self.history_loaded.emit(jobs)  # the other run's progress shows in the gallery
            if got:
                self._lock_timer.stop()
                self.holds_lock = True
                log.info("The queue is free again: this window runs it now")
                self._start_queue()
                self.lock_changed.emit(True)

        def failed(error: BaseException) -> None:
            self._polling = False
            log.warning("Checking the queue lock failed: %s", error)

        run_for(self, self.pools.io, work, on_done=done, on_error=failed)

    # -- adding photos ---------------------------------------------------------------------------

    def add_paths(self, paths: list[str], style: str) -> None:
        """Photos and folders (recursively) in ``style``; files that are not photos are reported
        by name; a photo already made in this style is not paid for twice."""
        if not paths:
            return
        if self.queue is None:
            self._waiting_adds.append((list(paths), style))
            return
        queue = self.queue

        def sorted_(result: Sorted) -> None:
            if result.not_photos:
                self.not_photos_skipped.emit(result.not_photos)
            if result.keep:
                queue.add_photos(result.keep, style, skip_duplicates=True)

        run_for(self, self.pools.io, lambda: sort_paths(paths), on_done=sorted_,
                 on_error=lambda e: self.problem_reported.emit(str(e)))

    def save_image(self, image: QImage) -> None:
        """A pasted picture is saved as a file first (``image_saved``), then added like a drop."""
        folder = self.config.paths.data / "pasted"
        run_for(self, self.pools.io, lambda: save_pasted(image, folder),
                 on_done=self.image_saved.emit,
                 on_error=lambda e: self.problem_reported.emit(
                     self.tr("The pasted picture could not be saved: %1").replace("%1", str(e))))

    # -- settings and money ----------------------------------------------------------------------

    def apply_config(self, config: Config) -> None:
        """New settings take effect at once: the next job uses them."""
        old, self.config = self.config, config
        self.gate.mode_changing(old.mode, config.mode)  # before the queue runs under them
        if self.queue is not None:
            self.queue.reconfigure(config)
        self.config_changed.emit(config)
        self.settle_model()

    # -- the live model --------------------------------------------------------------------------

    def settle_model(self) -> None:
        """Live mode: choose the model now, in the background. A failure is only logged: the
        queue meets the same problem when it runs and shows it then, with its fix."""
        engine = self.engine
        if engine is None or self._closed or self.config.mode is not Mode.LIVE:
            return
        run_for(self, self.pools.network, lambda: engine.client,
                 on_error=lambda e: log.info("The live model is not chosen yet: %s", _said(e)))

    def model_choice(self) -> ModelChoice | None:
        """The live model in use and its size, once chosen; None in demo mode or before."""
        if self.engine is None or self.config.mode is not Mode.LIVE:
            return None
        return self.engine.notices.choice

    def _notice_chosen(self, choice: ModelChoice) -> None:
        """Worker thread: the engine's listener. Emitting is safe from any thread; the window's
        slots run on the GUI thread (a queued connection)."""
        if shiboken6.isValid(self):
            self.model_chosen.emit(choice)

    def _notice_warned(self, text: str) -> None:
        """Worker thread, like ``_notice_chosen``."""
        if shiboken6.isValid(self):
            self.model_warned.emit(text)

    def refresh_usage(self) -> None:
        if self.engine is None:
            return
        engine = self.engine
        run_for(self, self.pools.io, engine.usage_this_month, on_done=self.usage_updated.emit,
                 on_error=lambda e: log.warning("Usage totals unavailable: %s", e))

    # -- closing ---------------------------------------------------------------------------------

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def running(self) -> int:
        return self.queue.running_count if self.queue is not None else 0

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Stop starting jobs, wait for those in flight (they hold paid requests), let go."""
        self._closed = True
        self._lock_timer.stop()
        if self.queue is not None:
            self.queue.shutdown(timeout_ms)
        self.pools.wait(timeout_ms)
        if self._lock is not None:
            self._lock.release()
        if self.engine is not None:
            notices = self.engine.notices
            if self._notice_chosen in notices.chosen:
                notices.chosen.remove(self._notice_chosen)
            if self._notice_warned in notices.warned:
                notices.warned.remove(self._notice_warned)
            self.engine.close()


def _said(error: BaseException) -> str:
    return str(getattr(error, "message", None) or str(error) or type(error).__name__)


def with_session_key(config: Config, key: str) -> Config:
    """The configuration with a key that lives in memory only (no keyring on this computer)."""
    register_secret(key)
    values = dict(config.values)
    if not values["api_key"].value:
        values["api_key"] = Value(key, Source.SETTINGS)
    return Config(values=values, paths=config.paths, settings=config.settings)
