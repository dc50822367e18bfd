"""Telling the user a batch finished: a desktop notification through the system tray when the
window is not in front, an in-window notice where there is no tray."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from app.core.batch import BatchProgress
from app.gui.banners import BannerArea, Kind


class Channel(StrEnum):
    NONE = "none"  # notifications are off
    WINDOW_ACTIVE = "window-active"  # the user is looking: the status bar says it
    TRAY = "tray"
    IN_WINDOW = "in-window"


class Notifier(QObject):
    notified = Signal(str, str)  # channel, text

    def __init__(self, window: QWidget, banners: BannerArea, icon: QIcon,
                 tray_available: Callable[[], bool] = QSystemTrayIcon.isSystemTrayAvailable,
                 parent: QObject | None = None) -> None:
        super().__init__(parent or window)
        self._window = window
        self._banners = banners
        self._icon = icon
        self._tray_available = tray_available
        self._tray: QSystemTrayIcon | None = None
        self.status_message: Callable[[str], None] = lambda _text: None
        self.tray_activated: Callable[[], None] = lambda: None

    def summary(self, batch: BatchProgress) -> str:
        ready = batch.completed
        text = (self.tr("No product photos made") if ready == 0 else
                self.tr("1 product photo ready") if ready == 1 else
                self.tr("%1 product photos ready").replace("%1", str(ready)))
        if batch.failed:
            text += ", " + self.tr("%1 failed").replace("%1", str(batch.failed))
        if batch.cancelled:
            text += ", " + self.tr("%1 cancelled").replace("%1", str(batch.cancelled))
        return text

    def batch_finished(self, batch: BatchProgress, enabled: bool = True) -> Channel:
        """Said when something was made or failed; a batch the user cancelled whole made
        nothing to announce (and certainly nothing to celebrate in green)."""
        if batch.completed == 0 and batch.failed == 0:
            return Channel.NONE
        text = self.summary(batch)
        channel = self._channel(enabled)
        if channel is Channel.WINDOW_ACTIVE:
            self.status_message(text)
        elif channel is Channel.TRAY:
            tray = self._ensure_tray()
            level = (QSystemTrayIcon.MessageIcon.Warning if batch.failed
                     else QSystemTrayIcon.MessageIcon.Information)
            tray.showMessage(self.tr("ProductSnap"), text, level, 8000)
        elif channel is Channel.IN_WINDOW:
            self._banners.show_banner("finished", Kind.SUCCESS if not batch.failed
                                      and batch.completed else Kind.WARNING, text,
                                      timeout_ms=15_000)
            QApplication.alert(self._window)
        if channel is not Channel.NONE:
            self.notified.emit(channel.value, text)
        return channel

    def _channel(self, enabled: bool) -> Channel:
        if not enabled:
            return Channel.NONE
        if self._window.isActiveWindow() and not self._window.isMinimized():
            return Channel.WINDOW_ACTIVE
        if self._tray_available():
            return Channel.TRAY
        return Channel.IN_WINDOW

    def _ensure_tray(self) -> QSystemTrayIcon:
        if self._tray is None:
            self._tray = QSystemTrayIcon(self._icon, self)
            self._tray.setToolTip(self.tr("ProductSnap"))
            self._tray.messageClicked.connect(lambda: self.tray_activated())
            self._tray.activated.connect(lambda _reason: self.tray_activated())
            self._tray.show()
        return self._tray

    def close(self) -> None:
        if self._tray is not None:
            self._tray.hide()
