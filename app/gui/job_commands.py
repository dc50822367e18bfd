"""The window's commands on jobs and the app: the detail view's actions, removing, copying,
settings, the log folder, About, and the question before quitting with photos in flight."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QFileDialog, QMessageBox

from app.core.config import Mode
from app.gui import detail_view as actions
from app.gui.dialogs import open_folder, show_about
from app.gui.file_actions import copy_image, open_file, save_copy, show_in_folder
from app.gui.settings_dialog import SettingsDialog

if TYPE_CHECKING:
    from app.core.job import Job
    from app.gui.main_window import MainWindow


class JobCommands(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.settings_dialog: SettingsDialog | None = None
        window.detail.action_requested.connect(self.run)

    def _status(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 6000)

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
            open_file(job.output_path or job.result_path or job.source_path)
        elif action == actions.SHOW:
            show_in_folder(job.output_path or job.result_path or job.source_path)
        elif action == actions.COPY:
            self.copy(job)
        elif action == actions.SAVE_AS:
            self.save_as(job)
        elif action == actions.REMOVE:
            self.remove([job_id])

    def copy(self, job: Job | None = None) -> None:
        if job is None:
            current = self.window.gallery.current_id()
            job = self.window.model.job(current) if current else None
        if job is None or not job.result_path:
            self._status(self.tr("Select a finished photo to copy it."))
            return
        copy_image(self, self.window.pools.io, job.result_path, lambda ok: self._status(
            self.tr("Copied the picture.") if ok else self.tr("The picture could not be "
                                                              "copied.")))

    def save_as(self, job: Job) -> None:
        if not job.result_path:
            return
        suffix = Path(job.result_path).suffix
        suggested = Path(job.output_path).name if job.output_path else f"{Path(job.name).stem}" \
            f"_{job.style}{suffix}"
        start = str(Path(job.output_path).parent / suggested) if job.output_path else suggested
        target, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Save a copy"), start,
            self.tr("Pictures (*%1)").replace("%1", suffix))
        if not target:
            return
        if not Path(target).suffix:
            target += suffix
        save_copy(self, self.window.pools.io, job.result_path, target, lambda error: self._status(
            self.tr("Saved %1.").replace("%1", target) if error is None else
            self.tr("Could not save: %1").replace("%1", error)))

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
                                catalog=engine.catalog if engine is not None else None)
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
