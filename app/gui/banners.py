"""Banners across the top of the window: the demo notice, an account problem with its fix, a
queue held by another ProductSnap, and short notices. One banner per key, shown or replaced."""

from __future__ import annotations

from enum import StrEnum

from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from app.gui import theme


class Kind(StrEnum):
    INFO = "info"
    DEMO = "demo"
    WARNING = "warning"
    ERROR = "error"
    SUCCESS = "success"


_ACCENT = {Kind.INFO: theme.INFO_ACCENT, Kind.DEMO: theme.DEMO_ACCENT,
           Kind.WARNING: theme.WARNING_ACCENT, Kind.ERROR: theme.ERROR_ACCENT,
           Kind.SUCCESS: theme.SUCCESS_ACCENT}
_ICON = {Kind.INFO: QStyle.StandardPixmap.SP_MessageBoxInformation,
         Kind.DEMO: QStyle.StandardPixmap.SP_MessageBoxInformation,
         Kind.WARNING: QStyle.StandardPixmap.SP_MessageBoxWarning,
         Kind.ERROR: QStyle.StandardPixmap.SP_MessageBoxCritical,
         Kind.SUCCESS: QStyle.StandardPixmap.SP_DialogApplyButton}


class Banner(QWidget):
    action_triggered = Signal(str)  # the action's id
    dismissed = Signal()

    def __init__(self, key: str, kind: Kind, text: str, actions: list[tuple[str, str]],
                 closable: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.key = key
        self.kind = kind
        self.setObjectName(f"banner-{key}")
        self.setAccessibleName(self.tr("Notice"))
        self.setAccessibleDescription(text)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(14, 8, 8, 8)
        layout.setSpacing(10)

        icon = QLabel(self)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        icon.setPixmap(self.style().standardIcon(_ICON[kind]).pixmap(QSize(size, size)))
        layout.addWidget(icon, 0, Qt.AlignmentFlag.AlignVCenter)

        self.label = QLabel(text, self)
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Minimum)
        policy.setHeightForWidth(True)  # one line when there is room, more when narrow
        self.label.setSizePolicy(policy)
        layout.addWidget(self.label, 1)  # no alignment: it would hide height-for-width

        self.buttons: dict[str, QPushButton] = {}
        for action_id, label in actions:
            button = QPushButton(label, self)
            button.setAccessibleName(label.replace("&", ""))
            button.clicked.connect(lambda _=False, a=action_id: self.action_triggered.emit(a))
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
            self.buttons[action_id] = button
        if closable:
            close = QToolButton(self)
            close.setAutoRaise(True)
            close.setIcon(self.style().standardIcon(
                QStyle.StandardPixmap.SP_TitleBarCloseButton))
            close.setToolTip(self.tr("Dismiss"))
            close.setAccessibleName(self.tr("Dismiss notice"))
            close.clicked.connect(self.dismissed.emit)
            layout.addWidget(close, 0, Qt.AlignmentFlag.AlignVCenter)

    @property
    def text(self) -> str:
        return self.label.text()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        accent = QColor(_ACCENT[self.kind])
        rect = self.rect().adjusted(1, 1, -1, -1).toRectF()
        path = QPainterPath()
        path.addRoundedRect(rect, 8, 8)
        painter.fillPath(path, theme.tinted(palette.color(QPalette.ColorRole.Window), accent,
                                            palette))
        painter.setPen(theme.mix(palette.color(QPalette.ColorRole.Window), accent, 0.45))
        painter.drawPath(path)
        stripe = QPainterPath()
        stripe.addRoundedRect(rect.adjusted(0, 0, -(rect.width() - 4), 0), 2, 2)
        painter.fillPath(stripe, accent)


class BannerArea(QWidget):
    """A column of banners, at most one per key, newest at the bottom."""

    action_triggered = Signal(str, str)  # banner key, action id

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._banners: dict[str, Banner] = {}
        self._timers: dict[str, QTimer] = {}
        self.setVisible(False)

    def show_banner(self, key: str, kind: Kind, text: str,
                    actions: list[tuple[str, str]] | None = None, *, closable: bool = True,
                    timeout_ms: int | None = None) -> Banner:
        self.hide_banner(key)
        banner = Banner(key, kind, text, actions or [], closable, self)
        banner.action_triggered.connect(lambda action, k=key: self.action_triggered.emit(k, action))
        banner.dismissed.connect(lambda k=key: self.hide_banner(k))
        self._banners[key] = banner
        self._layout.addWidget(banner)
        if timeout_ms:
            timer = QTimer(self)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda k=key, b=banner: self._expire(k, b))
            timer.start(timeout_ms)
            self._timers[key] = timer
        self.setVisible(True)
        return banner

    def _expire(self, key: str, banner: Banner) -> None:
        if self._banners.get(key) is banner:
            self.hide_banner(key)

    def hide_banner(self, key: str) -> None:
        timer = self._timers.pop(key, None)
        if timer is not None:
            timer.stop()
            timer.deleteLater()
        banner = self._banners.pop(key, None)
        if banner is not None:
            self._layout.removeWidget(banner)
            banner.hide()
            banner.deleteLater()
        self.setVisible(bool(self._banners))

    def banner(self, key: str) -> Banner | None:
        return self._banners.get(key)

    def keys(self) -> list[str]:
        return list(self._banners)
