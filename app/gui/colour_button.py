"""A button that shows a colour and lets the user pick another (the cut-out's backdrop)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QColorDialog, QPushButton, QWidget

SWATCH = 16


class ColourButton(QPushButton):
    colour_changed = Signal(str)  # "#rrggbb"

    def __init__(self, colour: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._colour = QColor(colour)
        self.clicked.connect(self._choose)
        self._show()

    def colour(self) -> str:
        return str(self._colour.name())  # "#rrggbb", lower case

    def set_colour(self, colour: str) -> None:
        chosen = QColor(colour)
        if chosen.isValid() and chosen != self._colour:
            self._colour = chosen
            self._show()
            self.colour_changed.emit(self.colour())

    def _show(self) -> None:
        swatch = QPixmap(SWATCH, SWATCH)
        swatch.fill(self._colour)
        self.setIcon(QIcon(swatch))
        self.setText(self.colour())

    def _choose(self) -> None:
        chosen = QColorDialog.getColor(self._colour, self, self.tr("Backdrop colour"))
        if chosen.isValid():
            self.set_colour(chosen.name())
