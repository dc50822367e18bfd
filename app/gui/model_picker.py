"""The model and the image size in Settings.

The model list offers "Automatic (recommended)" first, then the image models ProductSnap knows
(retired ones left out), then any model the key can use that ProductSnap does not know, each
with its price per size; "Other model…" takes an id typed by hand. What the key can use comes
from the model list the engine cached, or from the last Test: those models are marked ✓.
Everything here is in memory: the caller reads the cached list off the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QVBoxLayout, QWidget

from app.core.config import AUTOMATIC_MODEL, IMAGE_SIZES
from app.gui import theme
from app.services.errors import AccountProblemError
from app.services.image_models import IMAGE_MODELS, find_model, preference
from app.services.model_catalog import ServedModel, SizeNotOfferedError, choose_model
from app.services.pricing import price_per_image, price_summary

OTHER = "other:"  # the item data of "Other model…" (no model id has a colon)
PIXELS = {"512": "512 px", "1K": "1024 px", "2K": "2048 px", "4K": "4096 px"}
RETIRING = ("DEPRECATED", "RETIRING", "LEGACY")

Tr = Callable[[str], str]


def size_text(size: str, tr: Tr) -> str:
    """"2K (2048 px)": the long edge, which is what a shop owner compares."""
    pixels = PIXELS.get(size)
    return tr("%1 (%2)").replace("%1", size).replace("%2", pixels) if pixels else size


def model_text(model_id: str, tr: Tr, served: ServedModel | None = None) -> str:
    """"Nano Banana 2 (gemini-3.1-flash-image) · 512 $0.045 · 1K $0.067 · …"."""
    row = find_model(model_id)
    name = row.name if row is not None else (served.display_name if served else "")
    text = f"{name} ({model_id})" if name and name != model_id else model_id
    if row is not None and row.retired:
        text += " · " + tr("retired")
    elif row is not None:
        text += f" · {price_summary(model_id)}"
    else:
        text += " · " + tr("price unknown")
    status = served.status if served is not None else None
    if status is not None and status.stage.upper() in RETIRING:
        when = status.retirement
        text += " · " + (tr("retiring %1").replace("%1", f"{when.day} {when:%B %Y}")
                         if when else tr("retiring"))
    return text


def size_price_text(setting: str, size: str, served: Sequence[ServedModel] | None,
                    tr: Tr) -> str:
    """What one image costs at ``size``. For "automatic" the exact price once the models the
    key can use are known, else the first preferred model's, with "about"."""
    if setting == AUTOMATIC_MODEL:
        if served is not None:
            try:
                choice = choose_model(setting, size, served)
            except (AccountProblemError, SizeNotOfferedError):
                return tr("no model your key can use makes %1 images").replace("%1", size)
            price = price_per_image(choice.model, size)
            if price is None:
                return tr("price unknown (Automatic uses %1)").replace("%1", choice.model)
            return (tr("$%1 per image (Automatic uses %2)").replace("%1", f"{price:.3f}")
                    .replace("%2", choice.model))
        first = next((row for row in preference() if row.offers(size)), None)
        if first is None:
            return tr("no model makes %1 images").replace("%1", size)
        return (tr("about $%1 per image (%2, if your key can use it)")
                .replace("%1", f"{first.price_per_image(size) or 0:.3f}")
                .replace("%2", first.name))
    row = find_model(setting)
    if row is None:
        return tr("price unknown for this model")
    price = row.price_per_image(size)
    if price is None:
        return tr("%1 makes only %2").replace("%1", row.name).replace(
            "%2", ", ".join(row.sizes))
    return tr("$%1 per image").replace("%1", f"{price:.3f}")


class ModelPicker(QWidget):
    """The model list and, for "Other model…", a line for the id."""

    changed = Signal(str)  # the model setting: "automatic" or an id

    def __init__(self, current: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.served: list[ServedModel] | None = None  # what the key can use, once known
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        self.combo = QComboBox(self)
        self.combo.setAccessibleName(self.tr("Model"))
        # The longest entry (a name, an id and four prices) would make the dialog wider than a
        # small screen; the closed box elides it, the open list shows it whole.
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(40)
        self.combo.view().setTextElideMode(Qt.TextElideMode.ElideNone)
        self.other = QLineEdit(self)
        self.other.setAccessibleName(self.tr("Model id"))
        self.other.setPlaceholderText(self.tr("A model id, e.g. gemini-3.1-flash-image"))
        self.other.hide()
        self.hint = QLabel(self.tr("✓ marks the models your key can use."), self)
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.hint.setFont(theme.scaled_font(self.font(), 0.9))
        self.hint.hide()
        column.addWidget(self.combo)
        column.addWidget(self.other)
        column.addWidget(self.hint)
        self._fill(current)
        self.combo.currentIndexChanged.connect(self._picked)
        self.other.textChanged.connect(lambda _text: self.changed.emit(self.setting()))

    def setting(self) -> str:
        data = self.combo.currentData()
        return self.other.text().strip() if data == OTHER else str(data or "")

    def select(self, model: str) -> None:
        """Show ``model`` as chosen; an id not in the list goes in the "Other" line."""
        index = self.combo.findData(model)
        if index < 0:
            self.other.setText(model)
            index = self.combo.findData(OTHER)
        self.combo.setCurrentIndex(index)
        self.other.setVisible(self.combo.currentData() == OTHER)

    def set_served(self, models: Sequence[ServedModel]) -> None:
        """The image models the key can use (from the cache or a Test): listed and marked."""
        unique: dict[str, ServedModel] = {}
        for model in models:
            unique.setdefault(model.id, model)
        self.served = list(unique.values())
        keep = self.setting()
        self.combo.blockSignals(True)  # the setting stays what it was: nothing changed
        try:
            self._fill(keep)
        finally:
            self.combo.blockSignals(False)
        self.hint.setVisible(True)

    def _fill(self, current: str) -> None:
        combo = self.combo
        combo.clear()
        combo.addItem(self.tr("Automatic (recommended)"), AUTOMATIC_MODEL)
        combo.setItemData(0, self.tr("ProductSnap uses the first of its preferred models your "
                                     "key can use, and moves on by itself when Google retires "
                                     "one."), Qt.ItemDataRole.ToolTipRole)
        served = {m.id: m for m in self.served or []}
        ids = [row.id for row in IMAGE_MODELS if not row.retired]
        ids += [m.id for m in self.served or [] if find_model(m.id) is None]
        if current and current not in (AUTOMATIC_MODEL, *ids) and (
                find_model(current) is not None or current in served):
            ids.append(current)  # a retired model still set: shown as such, not as "Other"
        greyed = QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText))
        for model_id in ids:
            text = model_text(model_id, self.tr, served.get(model_id))
            if self.served is not None and model_id in served:
                combo.addItem("✓ " + text, model_id)
                combo.setItemData(combo.count() - 1, self.tr("Your key can use this model."),
                                  Qt.ItemDataRole.ToolTipRole)
            else:
                combo.addItem(text, model_id)
                if self.served is not None:
                    combo.setItemData(combo.count() - 1, greyed, Qt.ItemDataRole.ForegroundRole)
                    combo.setItemData(combo.count() - 1,
                                      self.tr("Your key could not use this model when last "
                                              "checked."), Qt.ItemDataRole.ToolTipRole)
        combo.addItem(self.tr("Other model…"), OTHER)
        self.select(current)

    def _picked(self, _index: int) -> None:
        other = self.combo.currentData() == OTHER
        self.other.setVisible(other)
        if other:
            self.other.setFocus()
        self.changed.emit(self.setting())


def fill_sizes(combo: QComboBox, current: str, tr: Tr) -> None:
    for size in IMAGE_SIZES:
        combo.addItem(size_text(size, tr), size)
    combo.setCurrentIndex(max(0, combo.findData(current)))
