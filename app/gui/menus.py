"""Menus and shortcuts: Ctrl+O, Ctrl+V, Ctrl+A, Delete, Ctrl+C, Ctrl+Shift+S, Ctrl+, and Ctrl+Q
work as on every desktop app; Ctrl+E exports. The gallery's context menu has the actions on the
photos selected; "Retry failed" says how many it will retry."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut

if TYPE_CHECKING:
    from app.gui.gui_queue import GuiJobQueue
    from app.gui.main_window import MainWindow

Keys = QKeySequence.StandardKey


def _action(window: MainWindow, text: str, slot: Callable[[], object],
            keys: list[QKeySequence] | None = None, name: str = "") -> QAction:
    action = QAction(text, window)
    action.triggered.connect(lambda _checked=False: slot())
    if keys:
        unique: list[QKeySequence] = []
        for key in keys:
            if not key.isEmpty() and key not in unique:
                unique.append(key)
        action.setShortcuts(unique)
    action.setObjectName(name or text)
    window.addAction(action)  # shortcuts work while any part of the window has focus
    return action


def build_menus(window: MainWindow) -> dict[str, QAction]:
    tr = window.tr
    commands = window.commands
    gallery = window.gallery
    a: dict[str, QAction] = {}
    a["add"] = _action(window, tr("&Add Photos…"), window.choose_photos,
                       [QKeySequence(Keys.Open)], "add")
    a["add_folder"] = _action(window, tr("Add &Folder…"), window.intake.choose_folder,
                              [QKeySequence("Ctrl+Shift+O")], "add_folder")
    a["paste"] = _action(window, tr("&Paste Photo"), window.paste, [QKeySequence(Keys.Paste)],
                         "paste")
    a["samples"] = _action(window, tr("Try with &Sample Photos"), window.add_samples,
                           name="samples")
    a["export"] = _action(window, tr("&Export…"), lambda: window.exports.ask(),
                          [QKeySequence("Ctrl+E")], "export")
    a["export"].setToolTip(tr("Write the selected photos, or a batch, as a marketplace wants "
                              "them, checked against its rules"))
    a["clear_history"] = _action(window, tr("C&lear History…"), window.history.ask_to_clear,
                                 name="clear_history")
    a["settings"] = _action(window, tr("&Settings…"), commands.open_settings,
                            [QKeySequence("Ctrl+,"), QKeySequence(Keys.Preferences)],
                            "settings")
    a["settings"].setMenuRole(QAction.MenuRole.PreferencesRole)
    a["quit"] = _action(window, tr("&Quit"), window.close,
                        [QKeySequence("Ctrl+Q"), QKeySequence(Keys.Quit)], "quit")
    a["quit"].setMenuRole(QAction.MenuRole.QuitRole)

    a["select_all"] = _action(window, tr("Select &All"), gallery.selectAll,
                              [QKeySequence(Keys.SelectAll)], "select_all")
    a["copy"] = _action(window, tr("&Copy Image"), commands.copy, [QKeySequence(Keys.Copy)],
                        "copy")
    a["open"] = _action(window, tr("&Open"), lambda: commands.open(), name="open")
    a["show_in_folder"] = _action(window, tr("Show in &Folder"),
                                  lambda: commands.open(reveal=True), name="show_in_folder")
    a["save_as"] = _action(window, tr("Save &As…"), lambda: commands.save_as(),
                           [QKeySequence(Keys.SaveAs), QKeySequence("Ctrl+Shift+S")], "save_as")
    a["another_version"] = _action(
        window, tr("Make Another &Version"),
        lambda: commands.make_another_version(gallery.selected_ids()), name="another_version")
    a["another_version"].setToolTip(tr("Make the selected finished photos again in the same "
                                       "style; the first results stay"))
    a["remove"] = _action(window, tr("&Remove from List"),
                          lambda: commands.remove(gallery.selected_ids()),
                          [QKeySequence(Keys.Delete)], "remove")
    a["details"] = _action(window, tr("Show &Details"), _show_current(window),
                           [QKeySequence("Ctrl+I")], "details")

    a["generate"] = _action(window, tr("&Generate"), window.generate,
                            [QKeySequence("Ctrl+Return"), QKeySequence("Ctrl+Enter")],
                            "generate")
    a["pause"] = _action(window, tr("&Pause"), _on_queue(window, lambda q: q.pause()),
                         name="pause")
    a["resume"] = _action(window, tr("&Resume"), window.resume_queue, name="resume")
    a["cancel_all"] = _action(window, tr("&Cancel All"),
                              _on_queue(window, lambda q: q.cancel_all()), name="cancel_all")
    a["retry_failed"] = _action(window, tr("Retry &Failed"),
                                _on_queue(window, lambda q: q.retry_failed()),
                                name="retry_failed")

    a["log"] = _action(window, tr("Open &Log Folder"), commands.open_log_folder, name="log")
    a["about"] = _action(window, tr("&About ProductSnap"), commands.about, name="about")
    a["about"].setMenuRole(QAction.MenuRole.AboutRole)

    bar = window.menuBar()
    file_menu = bar.addMenu(tr("&File"))
    for key in ("add", "add_folder", "paste", "samples"):
        file_menu.addAction(a[key])
    file_menu.addSeparator()
    file_menu.addAction(a["export"])
    file_menu.addSeparator()
    file_menu.addAction(a["clear_history"])
    file_menu.addSeparator()
    file_menu.addAction(a["settings"])
    file_menu.addSeparator()
    file_menu.addAction(a["quit"])
    edit_menu = bar.addMenu(tr("&Edit"))
    for key in ("select_all", "copy", "save_as", "another_version", "remove", "details"):
        edit_menu.addAction(a[key])
    queue_menu = bar.addMenu(tr("&Queue"))
    for key in ("generate", "pause", "resume", "cancel_all", "retry_failed"):
        queue_menu.addAction(a[key])
    help_menu = bar.addMenu(tr("&Help"))
    help_menu.addAction(a["log"])
    help_menu.addAction(a["about"])

    gallery.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
    separator = QAction(window)
    separator.setSeparator(True)
    gallery.addActions([a["details"], a["open"], a["show_in_folder"], a["copy"], a["save_as"],
                        a["export"], separator, a["another_version"], a["generate"], a["remove"]])
    window.ui_refreshed.connect(lambda: _count_retries(window, a["retry_failed"]))

    escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), window.detail)
    escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    escape.activated.connect(window.hide_detail)
    window.actions_by_name = a  # type: ignore[attr-defined]
    return a


def _on_queue(window: MainWindow, act: Callable[[GuiJobQueue], None]) -> Callable[[], None]:
    """``act`` on the window's queue, once there is one (nothing before the engine is open)."""
    def run() -> None:
        queue = window.session.queue
        if queue is not None:
            act(queue)
    return run


def _count_retries(window: MainWindow, action: QAction) -> None:
    """"Retry 3 Failed": what it will do, from the model's count of the failed photos worth
    another try (a photo that can never work is not retried, nor counted)."""
    count = window.model.retryable_count()
    action.setText(window.tr("Retry &Failed") if count == 0 else
                   window.tr("&Retry %1 Failed").replace("%1", str(count)))
    action.setEnabled(count > 0)


def _show_current(window: MainWindow) -> Callable[[], None]:
    def show() -> None:
        current = window.gallery.current_id()
        if current:
            window.show_detail(current)
    return show
