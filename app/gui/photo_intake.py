"""Taking photos in: dropped, pasted, chosen in the native dialog (photos, or a whole folder), or
the samples. Depending on a setting they start at once or wait, listed above the gallery, for
Generate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QFileDialog

from app.gui.drop_zone import local_paths, pasted_image
from app.gui.file_dialogs import photo_filter, pictures_folder
from app.gui.samples import sample_photos

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow


class PhotoIntake(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.staged: list[str] = []
        self._last_folder = ""  # where the dialogs were last used in this run

    def take(self, paths: list[str]) -> None:
        """Dropped, pasted or chosen photos: start now, or wait for Generate (a setting)."""
        if not paths:
            return
        self.window.photos_taken.emit(list(paths))
        if self.window.session.config.start_on_drop:
            self.window.session.add_paths(paths, self.window.style_picker.current_style())
        else:
            self.staged.extend(p for p in paths if p not in self.staged)
            self._show_staged()

    def _show_staged(self) -> None:
        count = len(self.staged)
        self.window.staging.setVisible(count > 0)
        self.window.staging_label.setText(
            self.tr("1 photo or folder is waiting: choose a style and press Generate.")
            if count == 1 else self.tr("%1 photos or folders are waiting: choose a style and "
                                       "press Generate.").replace("%1", str(count)))
        self.window.refresh_ui()

    def clear_staged(self) -> None:
        self.staged.clear()
        self._show_staged()

    def generate(self) -> None:
        """The photos waiting; else the selected photos again in the chosen style."""
        style = self.window.style_picker.current_style()
        if self.staged:
            paths, self.staged = self.staged, []
            self._show_staged()
            self.window.session.add_paths(paths, style)
            return
        selected = [self.window.model.job(i) for i in self.window.gallery.selected_ids()]
        sources = [j.source_path for j in selected if j is not None]
        if sources:
            self.window.session.add_paths(sources, style)
        else:
            self.choose_photos()

    def _start_folder(self) -> str:
        """The folder used last in this run; at first the Pictures folder, where phones and
        cameras put photos (not the folder the app happened to be started from)."""
        return self._last_folder or pictures_folder()

    def choose_photos(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self.window, self.tr("Add photos"), self._start_folder(), photo_filter(self.tr))
        if files:
            self._last_folder = str(Path(files[0]).parent)
        self.take(files)

    def choose_folder(self) -> None:
        """A whole folder, its subfolders included; files that are not photos are named."""
        folder = QFileDialog.getExistingDirectory(
            self.window, self.tr("Add a folder of photos"), self._start_folder())
        if folder:
            self._last_folder = folder
            self.take([folder])

    def add_samples(self) -> None:
        samples = [str(p) for p in sample_photos()]
        if samples:
            self.window.session.add_paths(samples, self.window.style_picker.current_style())

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        paths = local_paths(mime)
        if paths:
            self.take(paths)
            return
        image = pasted_image(mime)
        if image is not None:
            self.window.session.save_image(image)
        else:
            self.window.statusBar().showMessage(
                self.tr("There is no picture on the clipboard."), 5000)
