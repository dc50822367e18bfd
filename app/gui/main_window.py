"""The main window: banners, the header (add, style, generate, batch progress and controls), the
gallery with its filter bar or the empty drop target, the detail panel, the status bar, menus
and shortcuts.

Photos can be dropped anywhere on the window. The window talks to the engine only through the
session (``AppSession``) and the job queue's signals; it never touches a file or the database.
It fits the screen it opens on (``window_fit``), and the detail view shares the window's width
with the gallery rather than widening the window.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QIcon,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QWidget,
)

from app.core.batch import BatchProgress
from app.core.config import Config, Mode
from app.core.job import Job, JobStatus
from app.core.photos import AddResult
from app.gui.banners import BannerArea, Kind
from app.gui.batch_panel import BatchPanel
from app.gui.detail_view import DetailPanel
from app.gui.drop_zone import DropOverlay, EmptyState
from app.gui.export_actions import ExportActions
from app.gui.feedback import QueueFeedback
from app.gui.gallery_filter import GalleryBar
from app.gui.gallery_model import GalleryModel
from app.gui.gallery_view import GalleryView
from app.gui.header_row import HeaderLayout
from app.gui.history_actions import HistoryActions
from app.gui.inbox import Inbox
from app.gui.job_commands import JobCommands
from app.gui.market_checks import MarketplaceChecks
from app.gui.menus import build_menus
from app.gui.notifications import Notifier
from app.gui.photo_intake import PhotoIntake
from app.gui.pools import Pools
from app.gui.samples import sample_photos
from app.gui.session import AppSession, with_session_key
from app.gui.status_bar import StatusBar
from app.gui.style_picker import StylePicker
from app.gui.thumbnails import ThumbnailLoader
from app.gui.window_build import build_window
from app.gui.window_drops import WindowDrops
from app.gui.window_fit import WindowPlacement
from app.services.styles import is_local_style

log = logging.getLogger(__name__)


class MainWindow(WindowDrops, QMainWindow):
    photos_taken = Signal(object)  # list[str]: dropped, pasted or chosen, before sorting
    ui_refreshed = Signal()

    # made by build_window
    banners: BannerArea
    add_button: QPushButton
    style_picker: StylePicker
    generate_button: QPushButton
    batch_panel: BatchPanel
    header: HeaderLayout
    staging: QWidget
    staging_label: QLabel
    splitter: QSplitter
    stack: QStackedWidget
    empty: EmptyState
    gallery: GalleryView
    gallery_bar: GalleryBar
    detail: DetailPanel
    status: StatusBar
    overlay: DropOverlay

    def __init__(self, session: AppSession, icon: QIcon | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.pools: Pools = session.pools
        self.setWindowTitle(self.tr("ProductSnap"))
        self.setObjectName("mainWindow")
        self.setAccessibleName(self.tr("ProductSnap"))
        self.setAcceptDrops(True)
        self.icon = icon or QIcon()
        if icon is not None:
            self.setWindowIcon(icon)
        self.session_key: str | None = None
        self.inbox: Inbox | None = None  # photos from later starts ("Open with"), set by the app
        self._history_ready = False
        self._watching_screen = False

        self.thumbnails = ThumbnailLoader(self.pools.images, edge=GalleryView.thumbnail_edge(),
                                          parent=self)
        self.checks = MarketplaceChecks(self.pools.images, parent=self)
        self.model = GalleryModel(self.thumbnails, self, newest_first=True, checks=self.checks)
        build_window(self)
        self.intake = PhotoIntake(self)
        self.commands = JobCommands(self)
        self.exports = ExportActions(self)
        self.history = HistoryActions(self)
        self.feedback = QueueFeedback(self)
        self.notifier = Notifier(self, self.banners, self.icon)
        self.notifier.status_message = lambda text: self.statusBar().showMessage(text, 10_000)
        self.notifier.tray_activated = self.bring_to_front
        build_menus(self)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(120)
        self._refresh_timer.timeout.connect(self.refresh_ui)
        self._usage_timer = QTimer(self)
        self._usage_timer.setSingleShot(True)
        self._usage_timer.setInterval(1000)
        self._usage_timer.timeout.connect(self.session.refresh_usage)
        self._connect_session()
        self.apply_config(session.config)
        self.placement = WindowPlacement(self, self.splitter,
                                         session.config.paths.config / "window.ini")
        self.placement.restore()
        self.gallery_bar.set_newest_first(self.placement.newest_first())
        self.model.set_newest_first(self.placement.newest_first())
        self.marketplace_chosen(self.placement.marketplace() or self.checks.preset.id)
        self.refresh_ui()

    def _connect_session(self) -> None:
        session = self.session
        session.history_loaded.connect(self.model.add_jobs)
        session.history_finished.connect(self._history_finished)
        session.opened.connect(self._session_ready)
        # Bound methods, not lambdas: Qt drops them with the window, while the session (and
        # answers of its tasks) may outlive it.
        session.usage_updated.connect(self._usage_updated)
        session.image_saved.connect(self._image_saved)
        session.not_photos_skipped.connect(self.feedback.report_skipped)
        session.problem_reported.connect(self.feedback.report_problem)
        session.lock_changed.connect(self.feedback.lock_changed)
        session.open_failed.connect(self.feedback.open_failed)
        session.history_set_aside.connect(self.feedback.history_set_aside)
        session.model_chosen.connect(self._model_chosen)
        session.model_warned.connect(self.feedback.model_warned)

    def _session_ready(self) -> None:
        queue = self.session.queue
        assert queue is not None
        queue.jobs_added.connect(self.feedback.jobs_added)
        queue.job_changed.connect(self._job_changed)
        queue.jobs_removed.connect(self._jobs_removed)
        queue.account_problem_met.connect(self.feedback.account_problem)
        queue.state_changed.connect(self.schedule_refresh)
        queue.batch_finished.connect(self._batch_finished)
        queue.add_failed.connect(self.feedback.report_problem)
        queue.jobs_added.connect(self._jobs_added)  # after feedback's: the rows are there
        queue.history_cleared.connect(self.history.cleared)
        self.batch_panel.pause_clicked.connect(queue.pause)
        self.batch_panel.resume_clicked.connect(self.resume_queue)
        self.batch_panel.cancel_all_clicked.connect(queue.cancel_all)
        self.batch_panel.retry_failed_clicked.connect(queue.retry_failed)
        self.style_picker.load_examples(self.pools.images, next(iter(sample_photos()), None))
        self.schedule_refresh()

    def _history_finished(self) -> None:
        self._history_ready = True
        self.refresh_ui()

    # -- configuration ---------------------------------------------------------------------------

    def apply_config(self, config: Config) -> None:
        self.style_picker.set_current_style(config.default_style)
        self.status.set_mode(config, self.session.model_choice())
        if config.mode is Mode.MOCK:
            self.banners.show_banner(
                "demo", Kind.DEMO,
                self.tr("Demo mode: scenes are simulated offline and free; cut-outs are real. "
                        "Add your Gemini API key in Settings to create real scenes."),
                [("settings", self.tr("Open Settings"))])
        else:
            self.banners.hide_banner("demo")

    def config_saved(self, config: Config) -> None:
        """From the settings dialog: apply at once, keeping a session-only key."""
        if self.session_key:
            config = with_session_key(config, self.session_key)
        old_mode = self.session.config.mode
        self.session.apply_config(config)
        self.apply_config(config)
        if old_mode is not config.mode:
            self.statusBar().showMessage(
                self.tr("Switched to demo mode.") if config.mode is Mode.MOCK else
                self.tr("Switched to live mode: new photos are sent to Gemini."), 8000)
        self.session.refresh_usage()

    # -- taking photos in (the logic lives in PhotoIntake) ----------------------------------------

    def take_paths(self, paths: list[str]) -> None:
        self.intake.take(paths)

    def generate(self) -> None:
        self.intake.generate()

    def choose_photos(self) -> None:
        self.intake.choose_photos()

    def add_samples(self) -> None:
        self.intake.add_samples()

    def paste(self) -> None:
        self.intake.paste()

    # -- jobs ------------------------------------------------------------------------------------

    def _usage_updated(self, totals: object) -> None:
        config = self.session.config
        self.status.set_spend(totals, config.mode,  # type: ignore[arg-type]
                              config.monthly_budget_usd)

    def _model_chosen(self, _choice: object) -> None:
        # The engine's current choice, not the one signalled: a choice made under settings
        # changed since then may still be on its way here.
        self.status.set_mode(self.session.config, self.session.model_choice())
        self.schedule_refresh()  # the batch line's price follows the model

    def _image_saved(self, path: str) -> None:
        self.take_paths([path])

    def _job_changed(self, job: Job) -> None:
        if not self.model.update_job(job):
            self.model.add_jobs([job])
        shown = self.detail.job
        if shown is not None and shown.id == job.id and self.detail.isVisible():
            self.detail.show_job(job)
        paid = job.status is JobStatus.COMPLETED and job.cost_usd > 0
        if paid and not self._usage_timer.isActive():  # the month's spend, at most once a second
            self._usage_timer.start()

    def _jobs_added(self, result: AddResult) -> None:
        """New photos appear where the user looks: the view goes to the first of them (with
        the newest first, the top), showing every photo again if the filter would hide them."""
        if not result.jobs:
            return
        first = result.jobs[0].id
        if not self.gallery.proxy.accepts(first):
            self.gallery.proxy.clear_filter()
        self.gallery.scroll_to_id(first, self.gallery.ScrollHint.PositionAtTop)
        self.commands.versions_added(result.jobs)

    def gallery_order_chosen(self, newest_first: bool) -> None:
        self.model.set_newest_first(newest_first)
        self.placement.set_newest_first(newest_first)
        self.gallery.keep_current_visible()

    def marketplace_chosen(self, preset_id: str) -> None:
        """Every finished photo is judged against this marketplace from now on."""
        self.checks.set_preset(preset_id)
        self.gallery_bar.market_box.set_preset(self.checks.preset.id)
        self.placement.set_marketplace(self.checks.preset.id)

    def _jobs_removed(self, ids: list[str]) -> None:
        self.model.remove_ids(ids)
        shown = self.detail.job
        if shown is not None and shown.id in ids:
            self.hide_detail()

    def _batch_finished(self, batch: object) -> None:
        self.notifier.batch_finished(batch, bool(self.session.config.notifications))  # type: ignore[arg-type]
        self.session.refresh_usage()
        self.schedule_refresh()

    def resume_queue(self) -> None:
        queue = self.session.queue
        if queue is not None and self.session.holds_lock:
            self.banners.hide_banner("account")
            self.banners.hide_banner("resume")
            self.session.resume()  # through the spending gate: asks first what has no yes

    # -- detail ----------------------------------------------------------------------------------

    def show_detail(self, job_id: str) -> None:
        job = self.model.job(job_id)
        if job is None:
            return
        if not self.detail.isVisible():
            self.detail.show()
            self.gallery.keep_current_visible()  # the gallery narrows: keep the tile in view
        self.detail.show_job(job)

    def hide_detail(self) -> None:
        self.detail.hide()
        self.gallery.keep_current_visible()
        self.gallery.setFocus()

    def gallery_selection_changed(self) -> None:
        if self.detail.isVisible():
            current = self.gallery.current_id()
            if current and (self.detail.job is None or self.detail.job.id != current):
                self.show_detail(current)
        self.schedule_refresh()

    # -- refreshing ------------------------------------------------------------------------------

    def schedule_refresh(self, *_: object) -> None:
        if not self._refresh_timer.isActive():
            self._refresh_timer.start()

    def _live_price(self) -> float | None:
        """In live mode the price of one image of the model in use at the chosen size; None in
        demo mode, and while "automatic" has not chosen yet (no price is better than a guess)."""
        engine = self.session.engine
        if self.session.config.mode is not Mode.LIVE or engine is None:
            return None
        return engine.estimate_cost(1)

    def _paid_remaining(self, batch: BatchProgress) -> int:
        """The batch's jobs still to run that cost money (a local cut-out is free)."""
        jobs = (self.model.job(job_id) for job_id in batch.remaining_ids())
        return sum(1 for job in jobs if job is None or not is_local_style(job.style))

    def refresh_ui(self) -> None:
        rows = self.model.rowCount()
        self.stack.setCurrentWidget(self.gallery if rows else self.empty)
        queue = self.session.queue
        counts = self.model.counts()
        held = not self.session.holds_lock and queue is not None
        paused = bool(queue and queue.is_paused)
        # All that is left waits for the user's yes to its cost: as still as paused.
        waiting = queue.held_count if queue and not paused and queue.only_held_left else 0
        self.status.set_counts(counts, paused=paused, held=held)
        if queue is not None:
            busy = not queue.is_idle
            self.batch_panel.update_state(queue.batch, paused=paused, busy=busy,
                                          failed=counts.get(JobStatus.FAILED, 0), held=held,
                                          price_per_image=self._live_price(),
                                          paid_remaining=self._paid_remaining(queue.batch),
                                          retryable=self.model.retryable_count(),
                                          waiting=waiting)
        self.batch_panel.setVisible(queue is not None and (rows > 0))
        self.gallery_bar.setVisible(rows > 0)
        self.gallery_bar.update_counts()
        self.generate_button.setEnabled(queue is not None)
        self.ui_refreshed.emit()

    # -- window --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.placement.shown()
        self._pixel_ratio_changed()
        handle = self.windowHandle()
        if handle is not None and not self._watching_screen:
            self._watching_screen = True
            handle.screenChanged.connect(lambda _screen: self._pixel_ratio_changed())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.DevicePixelRatioChange:
            self._pixel_ratio_changed()

    def _pixel_ratio_changed(self) -> None:
        """Thumbnails as sharp as the screen: loaded at the window's device pixel ratio."""
        self.thumbnails.set_edge(GalleryView.thumbnail_edge(), self.devicePixelRatioF())

    def bring_to_front(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def save_layout(self) -> None:
        self.placement.save()

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.commands.confirm_quit():
            event.ignore()
            return
        self.save_layout()
        self.notifier.close()
        super().closeEvent(event)
