"""The window's header: adding and styling (``lead``) on the first line, the gallery's filter bar
(``second``) on the next, and the batch with its controls (``trail``) at the right end of the
first line, or, when it does not fit there, of the second, or on a line of its own.

A plain box layout would add the parts' minimum widths together and hold the whole window at
that width, wider than a 1024-pixel laptop screen once the batch line grows long; and a line of
its own for the batch costs height a small screen does not have, so it is the last resort.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtWidgets import QLayout, QLayoutItem, QWidget, QWidgetItem

FIRST_LINE, SECOND_LINE, OWN_LINE = 1, 2, 3


class HeaderLayout(QLayout):
    def __init__(self, lead: QWidget, trail: QWidget, second: QWidget,
                 parent: QWidget | None = None, *, spacing: int = 12,
                 line_spacing: int = 10) -> None:
        super().__init__(parent)
        self.setContentsMargins(0, 0, 0, 0)
        self.setSpacing(spacing)
        self._line_spacing = line_spacing
        for widget in (lead, trail, second):
            self.addChildWidget(widget)
        self._items: list[QLayoutItem] = [QWidgetItem(w) for w in (lead, trail, second)]
        self._second = self._items[2]

    # -- QLayout's interface ---------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        raise NotImplementedError("HeaderLayout holds exactly the widgets it was made with")

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation.Horizontal

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        lines = self._lines(width)
        return (sum(height for height, _ in lines)
                + self._line_spacing * max(0, len(lines) - 1))

    def sizeHint(self) -> QSize:
        lead, trail, _second = self._shown()
        width = sum(i.sizeHint().width() for i in (lead, trail) if i is not None)
        if lead is not None and trail is not None:
            width += self.spacing()
        return QSize(width, self.heightForWidth(width))

    def minimumSize(self) -> QSize:
        """The widest part alone: the parts never need to share a line."""
        shown = [i for i in self._shown() if i is not None]
        width = max((i.minimumSize().width() for i in shown), default=0)
        return QSize(width, self.heightForWidth(width) if shown else 0)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        top = rect.top()
        for height, parts in self._lines(rect.width()):
            left = next((item for item, at_right in parts if not at_right), None)
            right = next((item for item, at_right in parts if at_right), None)
            used = 0
            if right is not None:
                room = rect.width() - (left.sizeHint().width() + self.spacing() if left else 0)
                hint = right.sizeHint()
                used = min(hint.width(), room)
                right.setGeometry(QRect(rect.right() - used + 1,
                                        top + (height - hint.height()) // 2, used,
                                        hint.height()))
                used += self.spacing()
            if left is not None:
                hint = left.sizeHint()
                # The filter bar takes the line's rest: its "12 of 340 shown" lives there.
                width = (rect.width() - used if left is self._second
                         else min(hint.width(), rect.width() - used))
                left.setGeometry(QRect(rect.left(), top + (height - hint.height()) // 2, width,
                                       hint.height()))
            top += height + self._line_spacing

    # -- where the batch goes ----------------------------------------------------------------

    def trail_line(self, width: int) -> int:
        """Which line the batch and its controls are on at this width."""
        lead, trail, second = self._shown()
        if trail is None:
            return FIRST_LINE
        room = width - self.spacing() - trail.sizeHint().width()
        if lead is None or lead.sizeHint().width() <= room:
            return FIRST_LINE
        if second is None or second.sizeHint().width() <= room:
            return SECOND_LINE
        return OWN_LINE

    def _lines(self, width: int) -> list[tuple[int, list[tuple[QLayoutItem, bool]]]]:
        """Each line's height and its items, each with whether it sits at the right end."""
        lead, trail, second = self._shown()
        where = self.trail_line(width)
        rows: list[list[tuple[QLayoutItem, bool]]] = [[], [], []]
        if lead is not None:
            rows[0].append((lead, False))
        if second is not None:
            rows[1].append((second, False))
        if trail is not None:
            rows[where - 1].append((trail, True))
        return [(max(i.sizeHint().height() for i, _ in row), row) for row in rows if row]

    def _shown(self) -> tuple[QLayoutItem | None, QLayoutItem | None, QLayoutItem | None]:
        """The items whose widgets are visible (a hidden batch panel takes no room)."""
        lead, trail, second = self._items
        return tuple(None if i.isEmpty() else i for i in (lead, trail, second))  # type: ignore[return-value]
