"""The API key in Settings: masked, stored in the OS keyring when it is saved (Save, Enter, OK, or a
Test that found it working), which keyring is said, where to get a key, and "Test" asks the API
whether key, model and size work without generating anything. A key Gemini refused is never
stored.

Every keyring call and the check itself run off the GUI thread. With no usable keyring the key
is kept for this session only, and the dialog says so plainly; it is never written to a file.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable

from PySide6.QtCore import Qt, QThreadPool, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from app.core.config import Config
from app.gui import theme
from app.gui.async_tasks import run_coroutine
from app.gui.pools import guarded, run_for
from app.services.errors import AccountProblemKind

log = logging.getLogger(__name__)

AI_STUDIO_URL = "https://aistudio.google.com/apikey"


def for_settings(message: str) -> str:
    """A sentence of the engine's, said inside Settings: "Open Settings and enter…" becomes
    "Enter…", "…in Settings" goes (the user is there)."""
    text = re.sub(r"Open Settings and (\w)", lambda m: m.group(1).upper(), message)
    return re.sub(r" in Settings\b", "", text)


def probe_keyring() -> tuple[bool, str, bool]:
    """Worker thread: (a usable keyring?, its name, a key stored in it?)."""
    from app.core.secrets import (
        KeyringUnavailableError,
        keyring_available,
        keyring_backend_name,
        read_stored_key,
    )

    available = keyring_available()
    stored = False
    if available:
        try:
            stored = read_stored_key() is not None
        except KeyringUnavailableError:
            available = False
    return available, keyring_backend_name(), stored


class KeySection(QWidget):
    key_stored = Signal()  # in the keyring
    key_cleared = Signal()
    session_key_set = Signal(str)  # no keyring: kept in memory for this session
    key_checked = Signal(object)  # KeyCheck
    test_finished = Signal()  # the Test is over (and a working key typed is stored)
    probed = Signal()

    def __init__(self, config: Config, pool: QThreadPool, session_key: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._config = config
        self._pool = pool
        self.session_key = session_key
        self.keyring_ok: bool | None = None
        self.backend = ""
        self.has_stored_key = False
        self.model_for_test = config.model  # what Settings shows: set by the dialog
        self.size_for_test = config.image_size
        self.testing = False
        self._tested = ""  # the key typed when Test was clicked ("" for the stored one)
        self.refused_key: str | None = None  # a typed key Gemini refused: never stored

        column = QVBoxLayout(self)  # a column: its wrapped labels get their true height
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        row = QHBoxLayout()
        row.setSpacing(6)
        self.edit = QLineEdit(self)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setAccessibleName(self.tr("Gemini API key"))
        self.edit.setPlaceholderText(self.tr("Paste your Gemini API key"))
        self.edit.setClearButtonEnabled(True)
        reveal = QAction(self.style().standardIcon(
            QStyle.StandardPixmap.SP_FileDialogContentsView), self.tr("Show the key"), self)
        reveal.setCheckable(True)
        reveal.toggled.connect(lambda on: self.edit.setEchoMode(
            QLineEdit.EchoMode.Normal if on else QLineEdit.EchoMode.Password))
        self.edit.addAction(reveal, QLineEdit.ActionPosition.TrailingPosition)
        self.edit.returnPressed.connect(self.save_key)
        self.edit.setMinimumWidth(240)
        row.addWidget(self.edit, 1)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setAccessibleName(self.tr("Save the key in the keyring"))
        self.save_button.clicked.connect(self.save_key)
        self.clear_button = QPushButton(self.tr("Remove"), self)
        self.clear_button.setAccessibleName(self.tr("Remove the key from the keyring"))
        self.clear_button.clicked.connect(self.clear_key)
        self.test_button = QPushButton(self.tr("Test"), self)
        self.test_button.setAccessibleName(self.tr("Test the key and the model"))
        self.test_button.setToolTip(self.tr("Ask Gemini whether this key and model work. "
                                             "Nothing is generated and nothing is charged."))
        self.test_button.clicked.connect(self.test_key)
        for button in (self.save_button, self.clear_button, self.test_button):
            row.addWidget(button)
        column.addLayout(row)

        self.status = QLabel(self.tr("Looking for the system keyring…"), self)
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Where the key is kept"))
        column.addWidget(self.status)
        self.result = QLabel(self)
        self.result.setWordWrap(True)
        self.result.setAccessibleName(self.tr("Test result"))
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.result.hide()
        column.addWidget(self.result)
        self.help = QLabel(self)
        self.help.setObjectName("keyHelp")
        self.help.setWordWrap(True)
        self.help.setTextFormat(Qt.TextFormat.RichText)
        self.help.setOpenExternalLinks(True)
        self.help.setAccessibleName(self.tr("Where to get a key"))
        column.addWidget(self.help)

        self.locked = config.locked_reason("api_key")
        if self.locked:
            for widget in (self.edit, self.save_button, self.clear_button):
                widget.setEnabled(False)
            self.edit.setPlaceholderText(self.tr("Set outside the app"))
        self.help.setVisible(not self.locked)
        run_for(self, pool, probe_keyring, on_done=self._probed, on_error=self._probe_failed)

    # -- where the key is ------------------------------------------------------------------------

    def _probed(self, result: tuple[bool, str, bool]) -> None:
        self.keyring_ok, self.backend, self.has_stored_key = result
        self._describe()
        self.probed.emit()

    def _probe_failed(self, error: BaseException) -> None:
        log.warning("Keyring probe failed: %s", error)
        self.keyring_ok = False
        self._describe()
        self.probed.emit()

    def typed_key(self) -> str:
        return "" if self.locked else self.edit.text().strip()

    def has_key(self) -> bool:
        """A key is at hand: stored, kept for the session, set outside the app, or typed."""
        return bool(self.locked or self.has_stored_key or self.session_key or self.typed_key())

    def _describe(self) -> None:
        self._explain()
        if self.locked:
            text = self.tr("%1 The key from there is used; the keyring is not.").replace(
                "%1", self.locked)
        elif self.session_key:
            text = self.tr("No system keyring is available, so the key is kept for this "
                           "session only. It is gone when ProductSnap closes.")
        elif not self.keyring_ok:
            text = self.tr("No system keyring is available on this computer, so the key can "
                           "only be kept for this session. To keep it, unlock or install a "
                           "system keyring, then start ProductSnap again.")
        elif self.has_stored_key:
            text = self.tr("A key is stored in the system keyring (%1).").replace(
                "%1", self.backend)
            self.edit.setPlaceholderText(self.tr("•••••••• stored — paste a new key to "
                                                 "replace it"))
        else:
            text = self.tr("No key stored yet. It is kept in the system keyring (%1), "
                           "never in a file.").replace("%1", self.backend)
        self.status.setText(text)
        self._fit(self.status)
        self.clear_button.setEnabled(not self.locked and bool(self.has_stored_key
                                                              or self.session_key))

    def _explain(self) -> None:
        """Where to get a key: three steps while there is none, one line once there is."""
        link = f'<a href="{AI_STUDIO_URL}">{self.tr("Google AI Studio")}</a>'
        billing = self.tr("Image models need billing turned on for the key's Google Cloud "
                          "project: they have no free tier.")
        if self.has_stored_key or self.session_key:
            text = self.tr("Need a new key? Make one in %1. %2").replace("%1", link).replace(
                "%2", billing)
        else:
            steps = [self.tr("Open %1 and sign in with your Google account.").replace(
                         "%1", link),
                     self.tr("Click <b>Create API key</b> and copy the key."),
                     self.tr("Paste it above and click <b>Test</b>.")]
            text = (self.tr("Where to get a key:") + "<br>"
                    + "<br>".join(f"{n}. {step}" for n, step in enumerate(steps, 1))
                    + "<br>" + billing)
        self.help.setText(text)
        self._fit(self.help)

    # -- saving and removing ---------------------------------------------------------------------

    def save_key(self) -> None:
        self.store_typed()

    def store_typed(self, then: Callable[[bool], None] | None = None) -> None:
        """Store the key typed (Save, Enter, OK, a good Test); ``then(True)`` once it is kept
        or when nothing was typed, ``then(False)`` when it could not be kept. A key Gemini
        refused is never stored."""
        key = self.typed_key()
        if not key:
            if then:
                then(True)
            return
        if key == self.refused_key:
            self._show_result(False, self.tr("Gemini refused this key, so it was not saved. "
                                             "Paste a valid key, or clear the field."))
            if then:
                then(False)
            return
        from app.core.secrets import KeyringUnavailableError, store_api_key

        def saved(_result: object) -> None:
            if self.edit.text().strip() == key:
                self.edit.clear()
            self.has_stored_key = True
            self.session_key = None
            self._describe()
            self.status.setText(self.tr("Saved in the system keyring (%1).").replace(
                "%1", self.backend))
            self.key_stored.emit()
            if then:
                then(True)

        def failed(error: BaseException) -> None:
            if isinstance(error, KeyringUnavailableError):
                if self.edit.text().strip() == key:
                    self.edit.clear()
                self.session_key = key
                self.keyring_ok = False
                self._describe()
                self.session_key_set.emit(key)
                if then:
                    then(True)
            else:
                self.status.setText(str(error))
                self._fit(self.status)
                if then:
                    then(False)

        run_for(self, self._pool, lambda: store_api_key(key), on_done=saved, on_error=failed)

    def clear_key(self) -> None:
        if self.locked:
            return
        self.session_key = None
        from app.core.secrets import clear_api_key

        def cleared(_removed: object) -> None:
            self.has_stored_key = False
            self._describe()
            self.key_cleared.emit()

        def failed(error: BaseException) -> None:
            self.has_stored_key = False
            self._describe()
            self.key_cleared.emit()

        run_for(self, self._pool, clear_api_key, on_done=cleared, on_error=failed)

    # -- testing ---------------------------------------------------------------------------------

    def test_key(self) -> None:
        typed = self.typed_key()
        config = self._config
        session = self.session_key
        self.testing = True
        self._tested = typed
        self.test_button.setEnabled(False)
        self._show_result(None, self.tr("Checking…"))

        def key_to_test() -> str:
            if typed:
                return typed
            if session:
                return session
            from app.core.secrets import resolve_api_key

            return resolve_api_key(config) or ""

        run_for(self, self._pool, key_to_test, on_done=self._check,
                 on_error=lambda e: self._checked_error(e))

    def _check(self, key: str) -> None:
        from app.services.gemini_check import KeyCheck, check_key_async

        if not key:
            self._checked(KeyCheck(False, self.tr("There is no key to test. Paste one first.")))
            return
        api_url, model, size = self._config.api_url, self.model_for_test, self.size_for_test
        run_coroutine(self._pool, lambda: check_key_async(api_url, model, key, size=size),
                      on_done=guarded(self, self._checked),
                      on_error=guarded(self, self._checked_error))

    def _checked(self, check: object) -> None:
        ok = bool(getattr(check, "ok", False))
        kind = getattr(check, "kind", None)
        tested = self._tested
        said = str(getattr(check, "message", ""))
        if kind is AccountProblemKind.KEY_REFUSED:
            from app.services.gemini_errors import KEY_REFUSED  # loaded by the check already

            said = (self.tr("Gemini refused this key.") if said == KEY_REFUSED
                    else for_settings(said))
            if tested:
                self.refused_key = tested
                message = said + " " + self.tr("It was not saved. Check that you copied all "
                                               "of it, or make a new key in Google AI Studio.")
            else:
                message = said + " " + self.tr("Paste a valid key and click Test.")
        else:
            message = for_settings(said)
        self._show_result(ok, message)
        if ok and tested and tested == self.typed_key():
            self.store_typed(self._test_done)  # a key that works is kept at once
        else:
            self._test_done(ok)
        self.key_checked.emit(check)

    def _test_done(self, _ok: bool) -> None:
        self.testing = False
        self.test_button.setEnabled(True)
        self.test_finished.emit()

    def _checked_error(self, error: BaseException) -> None:
        self._show_result(False, for_settings(getattr(error, "message", None) or str(error)))
        self._test_done(False)

    def _show_result(self, ok: bool | None, text: str) -> None:
        """✓ or ✗ and the sentence; the colour is a hint only, the mark carries the meaning."""
        prefix = "" if ok is None else ("✓ " if ok else "✗ ")
        colour = "" if ok is None else (theme.SUCCESS_ACCENT if ok else theme.ERROR_ACCENT)
        self.result.setStyleSheet(f"color: {colour};" if colour else "")
        self.result.setText(prefix + text)
        self.result.setVisible(True)
        self._fit(self.result)

    def _fit(self, label: QLabel) -> None:
        """Give a wrapped sentence the lines it needs (forms do not always ask), so the dialog
        grows to show it whole."""
        width = label.width() if label.width() > 50 else max(300, self.width())
        label.setMinimumHeight(label.heightForWidth(width))
