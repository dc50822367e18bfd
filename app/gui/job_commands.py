"""The window's commands on jobs and the app: the detail view's actions (open, show in folder,
copy, save as, export, another version, retry, cancel, remove), settings, the log folder,
About, and the question before quitting with photos in flight. Clearing the history is in
``history_actions``; exporting in ``export_actions``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.core.config import Mode
from app.core.job import JobStatus
from app.gui import detail_view as actions
from app.gui import file_actions
from app.gui.banners import Kind
from app.gui.dialogs import open_folder, show_about
from app.gui.file_dialogs import filter_for, pictures_folder, save_filters, with_format
from app.gui.image_export import format_for
from app.gui.pools import run_for
from app.gui.settings_dialog import SettingsDialog
from app.gui.spending_section import SpendingFigures

if TYPE_CHECKING:
    from app.core.engine import Engine
    from app.core.job import Job
    from app.gui.main_window import MainWindow

# The banner shown when the system cannot open a file or its folder, and its one button.
CANNOT_OPEN, COPY_PATH = "cannot-open", "copy-path"
# The duplicate banner's button (feedback.py) runs ``make_another_version`` with this id.
ANOTHER_VERSION = "another-version"


class JobCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings_dialog: SettingsDialog | None = None
        self._unopened = ""  # the file the last "cannot open" banner is about
        self._awaited_versions: set[str] = set()  # jobs whose new version is on its way
        window.detail.action_requested.connect(self.run)
        window.banners.action_triggered.connect(self._banner_action)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

    def current_job(self) -> Job | None:
        current = self.window.gallery.current_id()
        return self.window.model.job(current) if current else None

    # -- on one job ------------------------------------------------------------------------------

    def run(self, action: str, job_id: str) -> None:
        job = self.window.model.job(job_id)
        queue = self.window.session.queue
        if job is None or queue is None:
            return
        if action == actions.RETRY:
            queue.retry([job_id])
        elif action == actions.CANCEL:
            queue.cancel([job_id])
        elif action == actions.OPEN:
            self.open(job)
        elif action == actions.SHOW:
            self.open(job, reveal=True)
        elif action == actions.COPY:
            self.copy(job)
        elif action == actions.SAVE_AS:
            self.save_as(job)
        elif action == actions.ANOTHER:
            self.make_another_version([job_id])
        elif action == actions.EXPORT:
            self.window.exports.ask([job_id])
        elif action == actions.REMOVE:
            self.remove([job_id])

    def open(self, job: Job | None = None, reveal: bool = False) -> None:
        """Open the picture (or show it in its folder): the exported result, else the app's
        copy of it, else the photo. Which of them still exists is asked on the io pool."""
        job = job or self.current_job()
        if job is None:
            return
        candidates = [job.output_path, job.result_path, job.source_path]
        run_for(self, self.window.pools.io, lambda: file_actions.first_existing(candidates),
                on_done=lambda path: self._open_found(path, job, reveal))

    def _open_found(self, path: str | None, job: Job, reveal: bool) -> None:
        if path is None:
            self.window.banners.show_banner(
                CANNOT_OPEN, Kind.WARNING,
                self.tr("%1 is no longer on the disk: it was moved or deleted.").replace(
                    "%1", Path(job.output_path or job.source_path).name), timeout_ms=30_000)
            return
        opened = file_actions.show_in_folder(path) if reveal else file_actions.open_file(path)
        if opened:
            return
        self._unopened = path
        text = (self.tr("This computer has no file manager set up to show %1 in its folder.")
                if reveal else
                self.tr("This computer has no program set up to open %1."))
        text += " " + self.tr("It is in %2.")
        self.window.banners.show_banner(
            CANNOT_OPEN, Kind.WARNING,
            text.replace("%1", Path(path).name).replace("%2", str(Path(path).parent)),
            [(COPY_PATH, self.tr("Copy its location"))], timeout_ms=60_000)

    def _banner_action(self, key: str, action: str) -> None:
        if key == CANNOT_OPEN and action == COPY_PATH and self._unopened:
            QGuiApplication.clipboard().setText(self._unopened)
            self.window.banners.hide_banner(CANNOT_OPEN)
            self._status(self.tr("Copied the location: %1").replace("%1", self._unopened))

    def copy(self, job: Job | None = None) -> None:
        job = job or self.current_job()
        if job is None or not job.result_path:
            self._status(self.tr("Select a finished photo to copy it."))
            return
        file_actions.copy_image(self, self.window.pools.io, job.result_path,
                                lambda ok: self._status(
                                    self.tr("Copied the picture.") if ok else
                                    self.tr("The picture could not be copied.")))

    def save_as(self, job: Job | None = None) -> None:
        """Save the result elsewhere as PNG, JPEG or WebP: the format the name says."""
        job = job or self.current_job()
        if job is None or not job.result_path:
            self._status(self.tr("Select a finished photo to save it."))
            return
        suffix = Path(job.result_path).suffix if format_for(job.result_path) else ".png"
        if job.output_path:
            start = str(Path(job.output_path).with_suffix(suffix))
        else:
            start = str(Path(pictures_folder()) / f"{Path(job.name).stem}_{job.style}{suffix}")
        target, chosen = QFileDialog.getSaveFileName(
            self.window, self.tr("Save as"), start, ";;".join(save_filters(self.tr)),
            filter_for(start, self.tr))
        if not target:
            return
        named = with_format(target, chosen, self.tr)
        # The dialog asked before replacing the name typed, not one with a type added to it.
        may_replace = named == target
        from app.checks.provenance import source_type_for

        file_actions.save_as(self, self.window.pools.io, job.result_path, named, lambda error: (
            self._status(self.tr("Saved %1.").replace("%1", named)) if error is None else
            self.window.feedback.report_problem(
                self.tr("Could not save %1: %2").replace("%1", Path(named).name)
                .replace("%2", error))), may_replace=may_replace,
            source_type=source_type_for(job))

    def make_another_version(self, job_ids: list[str]) -> None:
        """A new version of each finished photo, same photo and style; the first one stays.
        The new jobs are selected when they arrive (``versions_added``)."""
        queue = self.window.session.queue
        if queue is None or not job_ids:
            return
        jobs = [job for i in job_ids if (job := self.window.model.job(i)) is not None]
        finished = [j.id for j in jobs if j.status is JobStatus.COMPLETED]
        if not finished:
            self._status(self.tr("Only a finished photo can be made again: wait until it is "
                                 "done, or use Retry."))
            return
        self._awaited_versions.update(finished)
        queue.make_another_version(finished)
        self._status(self.tr("Making another version.") if len(finished) == 1 else
                     self.tr("Making another version of %1 photos.").replace(
                         "%1", str(len(finished))))

    def versions_added(self, jobs: list[Job]) -> None:
        """From the queue's ``jobs_added``: select the new versions asked for here, so the
        detail view (when open) follows them as they are made."""
        new = [j for j in jobs if j.parent_id in self._awaited_versions]
        if new:
            self._awaited_versions -= {j.parent_id for j in new if j.parent_id}
            self.window.gallery.select_ids([j.id for j in new])

    def remove(self, job_ids: list[str]) -> None:
        queue = self.window.session.queue
        if not job_ids or queue is None:
            return
        queue.remove(job_ids)
        self._status(self.tr("Removed from the list. Files in the output folder stay where "
                             "they are."))

    # -- the app ---------------------------------------------------------------------------------

    def open_settings(self) -> None:
        if self.settings_dialog is not None:
            self.settings_dialog.raise_()
            self.settings_dialog.activateWindow()
            return
        window = self.window
        engine = window.session.engine
        dialog = SettingsDialog(window.session.config, window.pools, window.session_key, window,
                                catalog=engine.catalog if engine is not None else None,
                                spending=spending_figures(engine) if engine is not None else None)
        dialog.settings_saved.connect(window.config_saved)
        dialog.session_key_set.connect(self._session_key_set)
        dialog.finished.connect(self._settings_finished)
        self.settings_dialog = dialog
        dialog.open()

    def _session_key_set(self, key: str) -> None:
        self.window.session_key = key
        self.window.config_saved(self.window.session.config)

    def _settings_finished(self, result: int) -> None:
        dialog, self.settings_dialog = self.settings_dialog, None
        if dialog is not None:
            dialog.deleteLater()
        if result:
            self.window.feedback.settings_closed()

    def open_log_folder(self) -> None:
        open_folder(self.window.session.config.paths.logs)

    def about(self) -> None:
        show_about(self.window, self.window.session.config)

    def confirm_quit(self) -> bool:
        """Photos in flight in live mode are paid for: say they will be finished first."""
        session = self.window.session
        if session.running == 0 or session.config.mode is Mode.MOCK:
            return True
        answer = QMessageBox.question(
            self.window, self.tr("Quit ProductSnap?"),
            self.tr("%1 photos are being made right now. ProductSnap waits for them (they are "
                    "already paid for) and then quits; the rest stay queued for next time.")
            .replace("%1", str(session.running)),
            QMessageBox.StandardButton.Ok | QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Ok


def spending_figures(engine: Engine) -> Callable[[], SpendingFigures]:
    """For Settings, read on a worker thread: this month's spend per day, the data folder."""
    def read() -> SpendingFigures:
        from app.core.usage import usage_by_day_this_month

        return SpendingFigures(usage_by_day_this_month(engine.store), engine.data_folder_size())
    return read
