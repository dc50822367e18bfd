"""Settings: mode, key, model and image size with the price, the amount above which a live batch
asks first, pace, output folder and names, default style, start on drop, notifications. A value
set by the environment is shown read-only with that reason. OK stores a key that was typed (never
one Gemini refused); saving runs off the GUI thread and the new settings apply at once, without a
restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.core.config import Config, ConfigError, Mode, save_settings
from app.gui import theme
from app.gui.colour_button import ColourButton
from app.gui.key_section import KeySection
from app.gui.model_picker import ModelPicker, fill_sizes, size_price_text
from app.gui.pools import Pools, run_for
from app.gui.spending_section import SpendingFigures, SpendingReport, budget_box
from app.services.styles import all_styles

if TYPE_CHECKING:
    from app.services.model_catalog import ModelCatalog

log = logging.getLogger(__name__)

# What a dialog needs besides its settings: the title bar, the OK row, the margins.
DIALOG_CHROME_PX = 150


class FitToScreen(QScrollArea):
    """The settings, whole where the screen has room; on a small one (a 1024x640 laptop) as
    high as the screen allows, scrolled, so OK and Cancel stay on screen."""

    def __init__(self, body: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.body = body
        self.setWidget(body)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body.installEventFilter(self)  # a Test result or a note makes it taller

    def _content(self) -> QSize:
        body = self.body
        hint = body.minimumSizeHint().expandedTo(body.sizeHint())
        width = hint.width() + self.verticalScrollBar().sizeHint().width()
        height = body.heightForWidth(hint.width()) if body.hasHeightForWidth() else -1
        return QSize(width, max(height, hint.height()))

    def sizeHint(self) -> QSize:
        return self._content()

    def minimumSizeHint(self) -> QSize:
        content = self._content()
        screen = self.screen()
        room = screen.availableGeometry().height() - DIALOG_CHROME_PX if screen else 10_000
        return QSize(content.width(), min(content.height(), max(240, room)))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.body and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)


class SettingsDialog(QDialog):
    settings_saved = Signal(object)  # the new Config
    session_key_set = Signal(str)
    key_changed = Signal()  # stored in or removed from the keyring

    def __init__(self, config: Config, pools: Pools, session_key: str | None = None,
                 parent: QWidget | None = None, catalog: ModelCatalog | None = None,
                 spending: Callable[[], SpendingFigures] | None = None) -> None:
        """``catalog``: the engine's model list, to mark the models the key can use;
        ``spending``: reads this month's spend per day (on a worker thread)."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Settings"))
        self.setObjectName("settingsDialog")
        self.setAccessibleName(self.tr("Settings"))
        self.setMinimumWidth(620)
        self._config = config
        self._pools = pools
        self.reasons: dict[str, str] = {}
        root = QVBoxLayout(self)
        root.setSpacing(theme.SPACING)
        body = QWidget(self)
        outer = QVBoxLayout(body)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(theme.SPACING)

        # -- generation ------------------------------------------------------------------------
        generation = self._group(outer, self.tr("Image generation"))
        self.demo = QCheckBox(self.tr("Demo mode: offline, no cost"), self)
        self.demo.setChecked(config.mode is Mode.MOCK)
        self.demo.setToolTip(self.tr("Results are simulated on this computer. Turn it off to "
                                     "send photos to Gemini and create real product shots."))
        self._row(generation, "", self.demo, "mode")
        # Leaving demo mode without a key: said here, where the key goes.
        self.no_key_note = QLabel(
            self.tr("Live mode needs a Gemini API key: paste it below (the steps say where to "
                    "get one).") if "mode" in self.reasons else
            self.tr("Live mode needs a Gemini API key: paste it below (the steps say where to "
                    "get one), or stay in demo mode."), self)
        self.no_key_note.setObjectName("noKeyNote")
        self.no_key_note.setWordWrap(True)
        # The whole field width: a form keeps a label at its hint, which wraps it early.
        self.no_key_note.setSizePolicy(QSizePolicy.Policy.Expanding,
                                       QSizePolicy.Policy.Preferred)
        self.no_key_note.setStyleSheet(f"color: {theme.WARNING_ACCENT};")
        self.no_key_note.hide()
        generation.addRow("", self.no_key_note)
        self.key = KeySection(config, pools.io, session_key, self)
        self.key.session_key_set.connect(self.session_key_set.emit)
        self.key.key_stored.connect(self.key_changed.emit)
        self.key.key_cleared.connect(self.key_changed.emit)
        self._row(generation, self.tr("API key:"), self.key, "api_key")
        for signal in (self.demo.toggled, self.key.edit.textChanged, self.key.probed,
                       self.key.key_stored, self.key.key_cleared, self.key.session_key_set):
            signal.connect(self._show_key_note)
        self._key_touched = False  # stored, removed or kept for the session while open
        for signal in (self.key.key_stored, self.key.key_cleared, self.key.session_key_set):
            signal.connect(self._touch_key)

        self.model = ModelPicker(config.model, self)
        self.model.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self._row(generation, self.tr("Model:"), self.model, "model")
        self.image_size = QComboBox(self)
        self.image_size.setAccessibleName(self.tr("Image size"))
        self.image_size.setToolTip(self.tr("The long edge of the product shots. Bigger images "
                                           "cost more."))
        fill_sizes(self.image_size, config.image_size, self.tr)
        self.price = QLabel(self)
        self.price.setAccessibleName(self.tr("Price per image"))
        self.price.setWordWrap(True)
        size_row = QHBoxLayout()
        size_row.setSpacing(10)
        size_row.addWidget(self.image_size)
        size_row.addWidget(self.price, 1)
        self._row(generation, self.tr("Image size:"), size_row, "image_size")
        self.model.changed.connect(self._choice_changed)
        self.image_size.currentIndexChanged.connect(self._choice_changed)
        self.key.key_checked.connect(self._key_checked)
        self._choice_changed()

        self.parallel = self._spin(1, 32, config.parallel, self.tr("Photos in parallel"))
        self._row(generation, self.tr("Photos in parallel:"), self.parallel, "parallel")
        self.rpm = self._spin(1, 10_000, config.rpm, self.tr("Requests per minute"))
        self._row(generation, self.tr("Requests per minute:"), self.rpm, "rpm")
        self.ask_above = QDoubleSpinBox(self)
        self.ask_above.setPrefix("$")
        self.ask_above.setDecimals(2)
        self.ask_above.setRange(0.0, 10_000.0)
        self.ask_above.setSingleStep(0.5)
        self.ask_above.setValue(config.ask_above_usd)
        self.ask_above.setAccessibleName(self.tr("Ask before spending more than"))
        self.ask_above.setToolTip(self.tr("A live batch that costs more than this waits until "
                                          "you start it; one that costs less starts at once. "
                                          "$0.00 asks before every live batch."))
        # The sentence reads across the field column: as a form label it would widen the
        # whole label column, and the dialog past a small screen.
        ask_row = QHBoxLayout()
        ask_row.setSpacing(6)
        ask_label = QLabel(self.tr("Ask before spending more than"), self)
        ask_label.setBuddy(self.ask_above)
        ask_row.addWidget(ask_label)
        ask_row.addWidget(self.ask_above)
        ask_row.addWidget(QLabel(self.tr("on a batch"), self))
        ask_row.addStretch(1)
        self._row(generation, "", ask_row, "ask_above_usd")

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
        self.backdrop = ColourButton(config.backdrop_colour, self)
        self.backdrop.setAccessibleName(self.tr("Backdrop colour for cut-outs"))
        self.backdrop.setToolTip(self.tr("The background of the \"Cut-out on a colour\" style."))
        self._row(results, self.tr("Cut-out colour:"), self.backdrop, "backdrop_colour")

        # -- spending ----------------------------------------------------------------------------
        spend = self._group(outer, self.tr("Spending"))
        self.budget = budget_box(self, config.monthly_budget_usd)
        self._row(spend, self.tr("Monthly budget:"), self.budget, "monthly_budget_usd")
        spend.addRow("", SpendingReport(self, pools, spending))

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
        root.addWidget(FitToScreen(body, self), 1)
        root.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        root.addWidget(self.buttons)
        if catalog is not None:
            api_url = config.api_url
            run_for(self, pools.io, lambda: catalog.cached(api_url), on_done=self._cached,
                     on_error=lambda e: log.info("No cached model list: %s", e))

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
        # The whole width: a form keeps other fields at their hint, which wraps the note early.
        holder.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
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
            if widget is not None and not isinstance(widget, QLabel):  # a price stays readable
                widget.setEnabled(False)
                widget.setToolTip(reason)
        note = QLabel(self.tr("Read-only: %1").replace("%1", reason), holder)
        note.setObjectName(f"locked-{name}")
        note.setWordWrap(True)
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        note.setFont(theme.scaled_font(self.font(), 0.9))
        column.addWidget(note)
        form.addRow(label, holder)

    def _touch_key(self, *_: object) -> None:
        self._key_touched = True

    def _show_key_note(self, *_: object) -> None:
        """Live chosen, and no key stored, kept, set outside or typed: say so next to it."""
        known = self.key.keyring_ok is not None or bool(self.key.locked)
        self.no_key_note.setVisible(known and not self.demo.isChecked()
                                    and not self.key.has_key())

    # -- the model and the size -------------------------------------------------------------

    def _choice_changed(self, *_: object) -> None:
        setting, size = self.model.setting(), str(self.image_size.currentData())
        self.price.setText(size_price_text(setting, size, self.model.served, self.tr))
        self.key.model_for_test = setting
        self.key.size_for_test = size

    def _cached(self, models: object) -> None:
        """The models the key could use when the engine last asked (no network)."""
        if isinstance(models, list) and models and self.model.served is None:
            self.model.set_served(models)
            self._choice_changed()

    def _key_checked(self, check: object) -> None:
        """After Test: list and mark what the key can use, and price what it would get."""
        models = getattr(check, "models", None)
        if models:
            self.model.set_served(models)
            self._choice_changed()

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder for the product shots"),
                                                  self.output.text())
        if folder:
            self.output.setText(folder)

    # -- saving ----------------------------------------------------------------------------------

    def values(self) -> dict[str, Any]:
        return {
            "mode": Mode.MOCK.value if self.demo.isChecked() else Mode.LIVE.value,
            "model": self.model.setting(),
            "image_size": self.image_size.currentData(),
            "parallel": self.parallel.value(),
            "rpm": self.rpm.value(),
            "output_dir": self.output.text().strip(),
            "filename_pattern": self.pattern.text().strip(),
            "default_style": self.style_box.currentData(),
            "backdrop_colour": self.backdrop.colour(),
            "start_on_drop": self.start_on_drop.isChecked(),
            "notifications": self.notifications.isChecked(),
            "ask_above_usd": round(self.ask_above.value(), 2),
            "monthly_budget_usd": round(self.budget.value(), 2),
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
            elif name == "ask_above_usd":
                same = abs(float(value) - float(old)) < 0.005
            elif name == "monthly_budget_usd":
                same = abs(float(value) - float(old or 0.0)) < 0.005
            else:
                same = new_text == old_text
            if not same:
                changed[name] = value
        return changed

    def save(self) -> None:
        """OK: the key typed is stored first (after a Test still running, which may find it
        refused), then the settings are saved."""
        self.error.hide()
        self.buttons.setEnabled(False)
        if self.key.testing:
            self.key.test_finished.connect(self._save_after_test)
            return
        self.key.store_typed(self._key_kept)

    def _save_after_test(self) -> None:
        self.key.test_finished.disconnect(self._save_after_test)
        self.key.store_typed(self._key_kept)

    def _key_kept(self, kept: bool) -> None:
        if not kept:  # refused, or the keyring failed: the sentence is beside the key
            self.buttons.setEnabled(True)
            return
        changes = self.changes()
        if not changes:
            if self._key_touched:  # the same settings, another key: the next photo uses it
                self.settings_saved.emit(self._config)
            self.accept()
            return
        config = self._config

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
