"""Export...: which photos, for which marketplace, whether to fix what can be fixed, and where.

Only the asking is here; ``export_actions`` writes the files. The folder starts as the domain's
default (``export_folder``: ``<output folder>/<preset>``, a demo result's under ``Demo``) and
follows the marketplace chosen until the user picks another.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from app.checks.presets import get_preset
from app.core.job import Job
from app.gui import theme
from app.gui.preset_picker import PresetPicker


@dataclass(frozen=True)
class Scope:
    """One choice of photos: "The 3 selected photos", "Their batch: 12 photos"..."""

    label: str
    jobs: tuple[Job, ...]


@dataclass(frozen=True)
class ExportRequest:
    jobs: tuple[Job, ...]
    preset_id: str
    fix: bool
    folder: Path | None  # None: each job's default folder (demo results apart from real ones)


def default_folders(output_dir: Path, preset_id: str, jobs: tuple[Job, ...]) -> list[Path]:
    """The default folders of these jobs, real results' first (at most two: real and demo)."""
    # Here, not at the top: the export module loads Pillow (the session preloads it).
    from app.checks.export import export_folder

    preset = get_preset(preset_id)
    ordered = sorted(jobs, key=lambda job: job.is_demo_result)
    return list(dict.fromkeys(export_folder(output_dir, preset, job) for job in ordered))


class ExportDialog(QDialog):
    export_requested = Signal(object)  # ExportRequest

    def __init__(self, scopes: list[Scope], preset_id: str, output_dir: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Export for a marketplace"))
        self.setObjectName("exportDialog")
        self.setMinimumWidth(600)  # a usual export folder path whole
        self._scopes = scopes
        self._output_dir = output_dir
        self._edited = False  # the folder was chosen by the user: it stays as chosen
        root = QVBoxLayout(self)
        root.setSpacing(theme.SPACING)
        form = QFormLayout()
        form.setHorizontalSpacing(12)
        form.setVerticalSpacing(8)
        root.addLayout(form)

        self.scope_box = QComboBox(self)
        self.scope_box.setAccessibleName(self.tr("Photos to export"))
        for scope in scopes:
            self.scope_box.addItem(scope.label)
        form.addRow(self.tr("Photos:"), self.scope_box)

        self.preset_box = PresetPicker(self)
        self.preset_box.set_preset(preset_id)
        form.addRow(self.tr("Marketplace:"), self.preset_box)
        self.note = QLabel(self)
        self.note.setWordWrap(True)
        # The whole field width: a form keeps a label at its hint, which wraps it early.
        self.note.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.note.setStyleSheet(f"color: {theme.secondary_text(self.palette()).name()};")
        form.addRow("", self.note)

        self.fix = QCheckBox(self.tr("Fix what can be fixed (white background, centring, size)"),
                             self)
        self.fix.setToolTip(self.tr(
            "Makes a near-white background pure white, centres and frames the product as the "
            "marketplace asks, and enlarges a picture smaller than its zoom size. An enlarged "
            "picture is said to be enlarged: it has no more detail than the model made."))
        form.addRow("", self.fix)

        folder_row = QHBoxLayout()
        folder_row.setSpacing(6)
        self.folder_edit = QLineEdit(self)
        self.folder_edit.setAccessibleName(self.tr("Export folder"))
        self.folder_edit.textEdited.connect(self._folder_edited)
        folder_row.addWidget(self.folder_edit, 1)
        browse = QPushButton(self.tr("Choose…"), self)
        browse.setAccessibleName(self.tr("Choose the export folder"))
        browse.clicked.connect(self._choose_folder)
        folder_row.addWidget(browse)
        form.addRow(self.tr("Folder:"), folder_row)
        self.demo_note = QLabel(self)
        self.demo_note.setWordWrap(True)
        self.demo_note.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.demo_note.setStyleSheet(self.note.styleSheet())
        form.addRow("", self.demo_note)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.export_button = buttons.addButton(self.tr("Export"),
                                               QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setDefault(True)
        buttons.accepted.connect(self._export)
        buttons.rejected.connect(self.reject)
        root.addWidget(buttons)

        self.preset_box.currentIndexChanged.connect(lambda _n: self._update())
        self.scope_box.currentIndexChanged.connect(lambda _n: self._update())
        self._update()

    def scope(self) -> Scope:
        return self._scopes[max(0, self.scope_box.currentIndex())]

    def _update(self) -> None:
        preset = get_preset(self.preset_box.current_preset())
        self.note.setText(preset.note)
        self._fit_notes()
        folders = default_folders(self._output_dir, preset.id, self.scope().jobs)
        if not self._edited:
            self.folder_edit.setText(str(folders[0]) if folders else "")
        # A batch with real and demo results: the demo ones never land beside the real ones.
        mixed = not self._edited and len(folders) > 1
        self.demo_note.setText(self.tr("Demo results go to %1.").replace("%1", str(folders[-1]))
                               if mixed else "")
        self.demo_note.setVisible(mixed)
        self._fit_notes()
        self.export_button.setEnabled(bool(self.scope().jobs))

    def _fit_notes(self) -> None:
        """Each note as high as its lines at the field's width: a dialog does not ask its
        wrapped labels, and would leave gaps around them."""
        width = self.preset_box.width() if self.preset_box.width() > 100 else 440
        for label in (self.note, self.demo_note):
            label.setFixedHeight(label.heightForWidth(width) if label.text() else 0)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_notes()

    def _folder_edited(self, _text: str) -> None:
        self._edited = True
        self._update()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Export to"),
                                                  self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)
            self._folder_edited(folder)

    def _export(self) -> None:
        text = self.folder_edit.text().strip()
        folder = Path(text).expanduser() if self._edited and text else None
        self.export_requested.emit(ExportRequest(self.scope().jobs,
                                                 self.preset_box.current_preset(),
                                                 self.fix.isChecked(), folder))
        self.accept()
