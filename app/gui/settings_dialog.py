"""Settings: mode, key, model with its price, pace, output folder and names, default style, start on
drop, notifications. A value set by the environment is shown read-only with that reason. Saving
runs off the GUI thread and the new settings apply at once, without a restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.config import Config, ConfigError, Mode, save_settings
from app.gui import theme
from app.gui.key_section import KeySection
from app.gui.pools import Pools, run_for
from app.services.styles import all_styles

log = logging.getLogger(__name__)


def price_text(model: str, tr: Callable[[str], str]) -> str:
    from app.services.pricing import price_per_image

    price = price_per_image(model.strip())
    if price is None:
        return tr("price unknown for this model")
    return tr("$%1 per image").replace("%1", f"{price:.3f}")


class SettingsDialog(QDialog):
    settings_saved = Signal(object)  # the new Config
    session_key_set = Signal(str)
    key_changed = Signal()  # stored in or removed from the keyring

    def __init__(self, config: Config, pools: Pools, session_key: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setObjectName("settingsDialog")
        self.setAccessibleName(self.tr("Settings"))
        self.setMinimumWidth(620)
        self._config = config
        self._pools = pools
        self.reasons: dict[str, str] = {}
        outer = QVBoxLayout(self)
        outer.setSpacing(theme.SPACING)

        # -- generation ------------------------------------------------------------------------
        generation = self._group(outer, self.tr("Image generation"))
        self.demo = QCheckBox(self.tr("Demo mode: offline, no cost"), self)
        self.demo.setChecked(config.mode is Mode.MOCK)
        self.demo.setToolTip(self.tr("Results are simulated on this computer. Turn it off to "
                                     "send photos to Gemini and create real product shots."))
        self._row(generation, "", self.demo, "mode")
        self.key = KeySection(config, pools.io, session_key, self)
        self.key.session_key_set.connect(self.session_key_set.emit)
        self.key.key_stored.connect(self.key_changed.emit)
        self.key.key_cleared.connect(self.key_changed.emit)
        self._row(generation, self.tr("API key:"), self.key, "api_key")

        self.model = QComboBox(self)
        self.model.setEditable(True)
        self.model.setAccessibleName(self.tr("Model"))
        from app.services.pricing import MODEL_PRICES

        for name in MODEL_PRICES:
            self.model.addItem(name)
        self.model.setCurrentText(config.model)
        self.price = QLabel(self)
        self.price.setAccessibleName(self.tr("Price per image"))
        self.model.currentTextChanged.connect(self._model_changed)
        self._model_changed(config.model)
        model_row = QHBoxLayout()
        model_row.addWidget(self.model, 1)
        model_row.addWidget(self.price)
        self._row(generation, self.tr("Model:"), model_row, "model")

        self.parallel = self._spin(1, 32, config.parallel, self.tr("Photos in parallel"))
        self._row(generation, self.tr("Photos in parallel:"), self.parallel, "parallel")
        self.rpm = self._spin(1, 10_000, config.rpm, self.tr("Requests per minute"))
        self._row(generation, self.tr("Requests per minute:"), self.rpm, "rpm")

        # -- results -----------------------------------------------------------------------------
        results = self._group(outer, self.tr("Results"))
        self.output = QLineEdit(str(config.output_dir), self)
        self.output.setAccessibleName(self.tr("Output folder"))
        self.browse = QPushButton(self.tr("Choose…"), self)
        self.browse.setAccessibleName(self.tr("Choose the output folder"))
        self.browse.clicked.connect(self._choose_folder)
        output_row = QHBoxLayout()
        output_row.addWidget(self.output, 1)
        output_row.addWidget(self.browse)
        self._row(results, self.tr("Output folder:"), output_row, "output_dir")
        self.pattern = QLineEdit(config.filename_pattern, self)
        self.pattern.setAccessibleName(self.tr("File name pattern"))
        self.pattern.setToolTip(self.tr("{name} is the photo's name, {style} the style's id."))
        self._row(results, self.tr("File name pattern:"), self.pattern, "filename_pattern")
        self.style_box = QComboBox(self)
        self.style_box.setAccessibleName(self.tr("Default style"))
        for style in all_styles():
            self.style_box.addItem(style.name, style.id)
        self.style_box.setCurrentIndex(max(0, self.style_box.findData(config.default_style)))
        self._row(results, self.tr("Default style:"), self.style_box, "default_style")

        # -- behaviour ---------------------------------------------------------------------------
        behaviour = self._group(outer, self.tr("Behaviour"))
        self.start_on_drop = QCheckBox(self.tr("Start as soon as photos are added"), self)
        self.start_on_drop.setChecked(bool(config.start_on_drop))
        self._row(behaviour, "", self.start_on_drop, "start_on_drop")
        self.notifications = QCheckBox(self.tr("Notify me when a batch is finished"), self)
        self.notifications.setChecked(bool(config.notifications))
        self._row(behaviour, "", self.notifications, "notifications")

        self.error = QLabel(self)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.ERROR_ACCENT};")
        self.error.hide()
        outer.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

    # -- building --------------------------------------------------------------------------------

    def _group(self, outer: QVBoxLayout, title: str) -> QFormLayout:
        box = QGroupBox(title, self)
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setVerticalSpacing(8)
        outer.addWidget(box)
        return form

    def _spin(self, low: int, high: int, value: int, name: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(low, high)
        spin.setValue(int(value))
        spin.setAccessibleName(name)
        return spin

    def _row(self, form: QFormLayout, label: str, field: Any, name: str) -> None:
        """Add a row; a value the environment sets is shown read-only, with the reason."""
        reason = self._config.locked_reason(name)
        if name == "api_key" or reason is None:
            form.addRow(label, field)
            return
        self.reasons[name] = reason
        holder = QWidget(self)
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        if isinstance(field, QWidget):
            column.addWidget(field)
            widgets = [field]
        else:
            column.addLayout(field)
            widgets = [field.itemAt(i).widget() for i in range(field.count())]
        for widget in widgets:
            if widget is not None and widget is not getattr(self, "price", None):
                widget.setEnabled(False)
                widget.setToolTip(reason)
        note = QLabel(self.tr("Read-only: %1").replace("%1", reason), holder)
        note.setObjectName(f"locked-{name}")
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        note.setFont(theme.scaled_font(self.font(), 0.9))
        column.addWidget(note)
        form.addRow(label, holder)

    def _model_changed(self, model: str) -> None:
        self.price.setText(price_text(model, self.tr))
        if hasattr(self, "key"):
            self.key.model_for_test = model.strip()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the product shots"),
                                                  self.output.text())
        if folder:
            self.output.setText(folder)

    # -- saving ----------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "mode": Mode.MOCK.value if self.demo.isChecked() else Mode.LIVE.value,
            "model": self.model.currentText().strip(),
            "parallel": self.parallel.value(),
            "rpm": self.rpm.value(),
            "output_dir": self.output.text().strip(),
            "filename_pattern": self.pattern.text().strip(),
            "default_style": self.style_box.currentData(),
            "start_on_drop": self.start_on_drop.isChecked(),
            "notifications": self.notifications.isChecked(),
        }

    def changes(self) -> dict[str, Any]:
        """Only what differs from the current configuration, and never a locked value."""
        current = self._config
        changed: dict[str, Any] = {}
        for name, value in self.values().items():
            if name in self.reasons:
                continue
            old = current.values[name].value
            old_text = str(old.value if hasattr(old, "value") else old)
            new_text = str(value)
            if name == "output_dir":
                same = Path(new_text).expanduser() == Path(old_text)
            else:
                same = new_text == old_text
            if not same:
                changed[name] = value
        return changed

    def save(self) -> None:
        changes = self.changes()
        if not changes:
            self.accept()
            return
        config = self._config
        self.buttons.setEnabled(False)

        def saved(new_config: Config) -> None:
            self.settings_saved.emit(new_config)
            self.accept()

        def failed(error: BaseException) -> None:
            self.buttons.setEnabled(True)
            message = str(error) if isinstance(error, ConfigError | OSError) else (
                self.tr("The settings could not be saved: %1").replace("%1", str(error)))
            self.error.setText(message)
            self.error.show()

        run_for(self, self._pools.io,
                 lambda: save_settings(config, changes, changed_by="the settings dialog"),
                 on_done=saved, on_error=failed)
