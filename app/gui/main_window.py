"""The main window: banners, the header (add, style, generate, batch progress and controls), the
gallery or the empty drop target, the detail panel, the status bar, menus and shortcuts.

Photos can be dropped anywhere on the window. The window talks to the engine only through the
session (``AppSession``) and the job queue's signals; it never touches a file or the database.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QRect, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDropEvent,
    QIcon,
    QResizeEvent,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.config import Config, Mode
from app.core.job import Job, JobStatus
from app.gui import theme
from app.gui.banners import BannerArea, Kind
from app.gui.batch_panel import BatchPanel
from app.gui.detail_view import DetailPanel
from app.gui.drop_zone import DropOverlay, EmptyState, can_take, local_paths, pasted_image
from app.gui.feedback import QueueFeedback
from app.gui.gallery_model import GalleryModel
from app.gui.gallery_view import GalleryView
from app.gui.inbox import Inbox
from app.gui.job_commands import JobCommands
from app.gui.menus import build_menus
from app.gui.notifications import Notifier
from app.gui.photo_intake import PhotoIntake
from app.gui.pools import Pools
from app.gui.samples import sample_photos
from app.gui.session import AppSession, with_session_key
from app.gui.status_bar import StatusBar
from app.gui.style_picker import StylePicker
from app.gui.thumbnails import ThumbnailLoader

log = logging.getLogger(__name__)


class MainWindow(QMainWindow):
    photos_taken = Signal(object)  # list[str]: dropped, pasted or chosen, before sorting
    ui_refreshed = Signal()

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
        self.model = GalleryModel(self.thumbnails, self)
        self._build()
        self.intake = PhotoIntake(self)
        self.commands = JobCommands(self)
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
        self._restore_layout()
        self.refresh_ui()

    # -- building --------------------------------------------------------------------------------

    def _build(self) -> None:
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(theme.SPACING, theme.SPACING, theme.SPACING, 4)
        outer.setSpacing(10)
        self.banners = BannerArea(central)
        outer.addWidget(self.banners)

        header = QHBoxLayout()
        header.setSpacing(8)
        self.add_button = QPushButton(self.tr("Add photos…"), central)
        self.add_button.setAccessibleName(self.tr("Add photos"))
        self.add_button.clicked.connect(self.choose_photos)
        header.addWidget(self.add_button)
        header.addSpacing(12)
        style_label = QLabel(self.tr("Style:"), central)
        header.addWidget(style_label)
        self.style_picker = StylePicker(central)
        style_label.setBuddy(self.style_picker)
        header.addWidget(self.style_picker)
        self.generate_button = QPushButton(self.tr("Generate"), central)
        self.generate_button.setAccessibleName(self.tr("Generate product shots"))
        self.generate_button.setToolTip(self.tr("Make product shots of the photos waiting, or "
                                                "of the selected photos, in this style "
                                                "(Ctrl+Enter)"))
        self.generate_button.setDefault(True)
        theme.primary(self.generate_button)
        self.generate_button.clicked.connect(self.generate)
        header.addWidget(self.generate_button)
        header.addStretch(1)
        self.batch_panel = BatchPanel(central)
        header.addWidget(self.batch_panel)
        outer.addLayout(header)

        self.staging = QWidget(central)
        staging_row = QHBoxLayout(self.staging)
        staging_row.setContentsMargins(0, 0, 0, 0)
        self.staging_label = QLabel(self.staging)
        clear = QPushButton(self.tr("Clear"), self.staging)
        clear.setAccessibleName(self.tr("Clear the photos waiting"))
        clear.clicked.connect(lambda: self.intake.clear_staged())
        staging_row.addWidget(self.staging_label, 1)
        staging_row.addWidget(clear)
        self.staging.hide()
        outer.addWidget(self.staging)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, central)
        self.splitter.setChildrenCollapsible(False)
        self.stack = QStackedWidget(self.splitter)
        self.empty = EmptyState(self.stack)
        self.empty.add_requested.connect(self.choose_photos)
        self.empty.samples_requested.connect(self.add_samples)
        self.gallery = GalleryView(self.model, self.stack)
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.gallery)
        self.detail = DetailPanel(self.pools.images, self.splitter)
        self.detail.hide()
        self.splitter.addWidget(self.stack)
        self.splitter.addWidget(self.detail)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        outer.addWidget(self.splitter, 1)
        self.setCentralWidget(central)

        self.status = StatusBar(self)
        self.setStatusBar(self.status)
        self.overlay = DropOverlay(central)

        self.gallery.job_activated.connect(self.show_detail)
        self.gallery.delete_requested.connect(lambda: self.commands.remove(
            self.gallery.selected_ids()))
        self.gallery.selection_changed.connect(self._selection_changed)
        self.detail.closed.connect(self.hide_detail)
        self.model.counts_changed.connect(self.schedule_refresh)
        self.model.rowsInserted.connect(self.schedule_refresh)
        self.model.rowsRemoved.connect(self.schedule_refresh)

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
        session.resume_needed.connect(self.feedback.ask_resume)
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
                self.tr("Demo mode: results are simulated offline and free. Add your Gemini "
                        "API key in Settings to create real photos."),
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

    # -- drag and drop, anywhere on the window ---------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if can_take(event.mimeData()):
            event.acceptProposedAction()
            self.overlay.setGeometry(self._central_rect())
            self.overlay.raise_()
            self.overlay.show()
            self.empty.set_highlight(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.overlay.hide()
        self.empty.set_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.overlay.hide()
        self.empty.set_highlight(False)
        mime = event.mimeData()
        paths = local_paths(mime)
        if paths:
            event.acceptProposedAction()
            self.take_paths(paths)
        elif (image := pasted_image(mime)) is not None:
            event.acceptProposedAction()
            self.session.save_image(image)
        else:
            event.ignore()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.overlay.isVisible():
            self.overlay.setGeometry(self._central_rect())

    def _central_rect(self) -> QRect:
        central = self.centralWidget()
        assert central is not None  # set once in __init__, never taken away
        return central.rect()

    # -- jobs ------------------------------------------------------------------------------------

    def _usage_updated(self, totals: object) -> None:
        self.status.set_spend(totals, self.session.config.mode)  # type: ignore[arg-type]

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
            queue.resume()

    # -- detail ----------------------------------------------------------------------------------

    def show_detail(self, job_id: str) -> None:
        job = self.model.job(job_id)
        if job is None:
            return
        self.detail.show()
        self.detail.show_job(job)

    def hide_detail(self) -> None:
        self.detail.hide()
        self.gallery.setFocus()

    def _selection_changed(self) -> None:
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

    def refresh_ui(self) -> None:
        rows = self.model.rowCount()
        self.stack.setCurrentWidget(self.gallery if rows else self.empty)
        queue = self.session.queue
        counts = self.model.counts()
        held = not self.session.holds_lock and queue is not None
        paused = bool(queue and queue.is_paused)
        self.status.set_counts(counts, paused=paused, held=held)
        if queue is not None:
            busy = not queue.is_idle
            self.batch_panel.update_state(queue.batch, paused=paused, busy=busy,
                                          failed=counts.get(JobStatus.FAILED, 0), held=held,
                                          price_per_image=self._live_price())
        self.batch_panel.setVisible(queue is not None and (rows > 0))
        self.generate_button.setEnabled(queue is not None)
        self.ui_refreshed.emit()

    # -- window --------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
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

    def _settings_store(self) -> QSettings:
        return QSettings(str(self.session.config.paths.config / "window.ini"),
                         QSettings.Format.IniFormat)

    def _restore_layout(self) -> None:
        settings = self._settings_store()
        geometry = settings.value("geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1180, 780)
        splitter = settings.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)

    def save_layout(self) -> None:
        settings = self._settings_store()
        settings.setValue("geometry", self.saveGeometry())
        settings.setValue("splitter", self.splitter.saveState())

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.commands.confirm_quit():
            event.ignore()
            return
        self.save_layout()
        self.notifier.close()
        super().closeEvent(event)
