"""Choosing a marketplace preset: in the gallery's bar (what every finished photo is checked
against) and in the export dialog (what the files are written for)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QWidget

from app.checks.presets import PRESETS


class PresetPicker(QComboBox):
    preset_chosen = Signal(str)  # preset id, chosen by the user

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setAccessibleName(self.tr("Marketplace"))
        for preset in PRESETS:
            self.addItem(preset.name, preset.id)
            self.setItemData(self.count() - 1, preset.note, Qt.ItemDataRole.ToolTipRole)
        self.activated.connect(lambda _n: self.preset_chosen.emit(self.current_preset()))

    def current_preset(self) -> str:
        return str(self.currentData())

    def set_preset(self, preset_id: str) -> None:
        """Show ``preset_id`` chosen (an unknown id leaves the choice as it is)."""
        index = self.findData(preset_id)
        if index >= 0:
            self.setCurrentIndex(index)
