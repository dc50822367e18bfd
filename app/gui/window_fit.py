"""The window on the screen it opens on: a first size taken from the screen's free area, and a
size saved on a big monitor brought back within a laptop's screen, so that the status bar and
the queue buttons are never below the bottom edge.

The geometry is pure arithmetic on rectangles (``first_geometry``, ``fit_to_screen``), tested
without a screen; ``WindowPlacement`` applies it to the window and keeps it in ``window.ini``.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMargins, QPoint, QRect, QSettings, QSize, QTimer
from PySide6.QtGui import QGuiApplication, QScreen
from PySide6.QtWidgets import QMainWindow, QSplitter

PREFERRED = QSize(1280, 860)  # room for four columns of tiles beside the detail view
SCREEN_SHARE = 0.94  # of a big screen's free area: the desktop stays visible around the window
# The frame (title bar, borders) before the window manager has said how big it is: a window
# placed as if it had none would hide its status bar under a laptop's taskbar.
FRAME_GUESS = QMargins(8, 36, 8, 8)


def _first_length(room: int, preferred: int) -> int:
    """``preferred`` on a big screen; on a laptop's, which has no pixel to spare, all of it."""
    return preferred if room * SCREEN_SHARE >= preferred else room


def first_geometry(available: QRect, frame: QMargins = FRAME_GUESS) -> QRect:
    """Where a window opens the first time: ``PREFERRED`` on a big screen, all of ``available``
    (the screen without its task bars and docks) on a smaller one; centred. Geometry without
    the frame, as Qt's."""
    room = available.marginsRemoved(frame)
    size = QSize(_first_length(room.width(), PREFERRED.width()),
                 _first_length(room.height(), PREFERRED.height()))
    rect = QRect(QPoint(0, 0), size)
    rect.moveCenter(room.center())
    return rect


def fit_to_screen(geometry: QRect, available: QRect, frame: QMargins = FRAME_GUESS) -> QRect:
    """``geometry`` (without the frame) shrunk where it is larger than ``available`` and moved
    where it sticks out, so that the whole window, frame included, is on the screen. A window
    that fits keeps its size and place."""
    room = available.marginsRemoved(frame)
    width = min(geometry.width(), room.width())
    height = min(geometry.height(), room.height())
    left = min(max(geometry.left(), room.left()), room.left() + room.width() - width)
    top = min(max(geometry.top(), room.top()), room.top() + room.height() - height)
    return QRect(left, top, width, height)


def frame_margins(window: QMainWindow) -> QMargins:
    """The frame the window manager put around the window; the guess while it has none yet."""
    frame, inner = window.frameGeometry(), window.geometry()
    margins = QMargins(inner.left() - frame.left(), inner.top() - frame.top(),
                       frame.right() - inner.right(), frame.bottom() - inner.bottom())
    return margins if not margins.isNull() and window.isVisible() else FRAME_GUESS


class WindowPlacement:
    """Restores and saves the window's geometry and splitter, always within the screen, and the
    gallery's order and marketplace (kept with them: how the user likes to look at the
    window)."""

    def __init__(self, window: QMainWindow, splitter: QSplitter, settings_file: Path) -> None:
        self.window = window
        self.splitter = splitter
        self.settings_file = settings_file
        self._fitted_once = False
        self._newest_first = True
        self._marketplace = ""  # a preset id; "" before one was chosen

    def _settings(self) -> QSettings:
        return QSettings(str(self.settings_file), QSettings.Format.IniFormat)

    def _screen(self) -> QScreen:
        return (QGuiApplication.screenAt(self.window.geometry().center())
                or self.window.screen())

    def restore(self) -> None:
        settings = self._settings()
        geometry = settings.value("geometry")
        if geometry is not None and self.window.restoreGeometry(geometry):
            self.fit(FRAME_GUESS)
        else:
            self.window.setGeometry(first_geometry(self._screen().availableGeometry()))
        splitter = settings.value("splitter")
        if splitter is not None:
            self.splitter.restoreState(splitter)
        self._newest_first = str(settings.value("newest_first", "true")).lower() != "false"
        self._marketplace = str(settings.value("marketplace", ""))

    def save(self) -> None:
        settings = self._settings()
        settings.setValue("geometry", self.window.saveGeometry())
        settings.setValue("splitter", self.splitter.saveState())
        settings.setValue("newest_first", "true" if self._newest_first else "false")
        if self._marketplace:
            settings.setValue("marketplace", self._marketplace)

    def newest_first(self) -> bool:
        return self._newest_first

    def set_newest_first(self, newest_first: bool) -> None:
        """Remembered with the window's size when it closes."""
        self._newest_first = newest_first

    def marketplace(self) -> str:
        return self._marketplace

    def set_marketplace(self, preset_id: str) -> None:
        """Remembered with the window's size when it closes."""
        self._marketplace = preset_id

    def fit(self, frame: QMargins | None = None) -> None:
        """Bring the window within its screen (a maximised or full-screen one already is)."""
        window = self.window
        if window.isMaximized() or window.isFullScreen():
            return
        available = self._screen().availableGeometry()
        fitted = fit_to_screen(window.geometry(), available, frame or frame_margins(window))
        if fitted != window.geometry():
            window.setGeometry(fitted)

    def shown(self) -> None:
        """Once the window is on screen its real frame is known: fit again with that (after
        the window manager has had a moment to add the frame)."""
        if not self._fitted_once:
            self._fitted_once = True
            QTimer.singleShot(0, self.window, lambda: self.fit())
