"""What the window tells the user about the queue: files skipped (once, by name), photos already
made, an account problem with its fix (one banner, queue paused), a queue held by another
ProductSnap, and the live-mode question before paid work resumes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from app.core.engine import AddResult
from app.core.job import JobStatus
from app.gui.banners import Kind
from app.gui.dialogs import resume_question
from app.services.errors import AccountProblemError, AccountProblemKind

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

NAMES_SHOWN = 6


def name_list(paths: list[str], tr: Callable[[str], str]) -> str:
    names = [Path(p).name for p in paths]
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += tr(" and %1 more").replace("%1", str(len(names) - NAMES_SHOWN))
    return shown


class QueueFeedback(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.banners = window.banners
        self.skipped: list[str] = []
        self.problem: AccountProblemError | None = None
        self._duplicates: list[str] = []
        self._resume_info = (0, 0.0)
        self.banners.action_triggered.connect(self._banner_action)

    # -- adding ----------------------------------------------------------------------------------

    def jobs_added(self, result: AddResult) -> None:
        window = self.window
        new_ids = window.model.add_jobs(result.jobs)
        if result.duplicates:
            window.model.add_jobs(result.duplicates)
            self._duplicates = [j.id for j in result.duplicates]
            count = len(result.duplicates)
            text = (self.tr("1 photo was already made in this style, so it was not made (or "
                            "paid for) again: %1.") if count == 1 else
                    self.tr("%2 photos were already made in this style, so they were not made "
                            "(or paid for) again: %1.").replace("%2", str(count)))
            self.banners.show_banner(
                "duplicates", Kind.INFO,
                text.replace("%1", name_list([j.source_path for j in result.duplicates],
                                             self.tr)),
                [("show-duplicates", self.tr("Show them"))], timeout_ms=30_000)
        if result.skipped:
            self.report_skipped([str(p) for p in result.skipped])
        queue = window.session.queue
        if new_ids and queue is not None and queue.batch.total == 0:
            # A new batch: show where it starts. Photos added to a running batch leave the
            # user's view where it is.
            window.gallery.scrollTo(window.model.index_of(new_ids[0]))

    def report_skipped(self, paths: list[str]) -> None:
        """Files that are not photos: said once, by name, never silently dropped."""
        for path in paths:
            if path not in self.skipped:
                self.skipped.append(path)
        count = len(self.skipped)
        text = (self.tr("Skipped 1 file that is not a photo: %1.") if count == 1 else
                self.tr("Skipped %2 files that are not photos: %1.").replace("%2", str(count)))
        banner = self.banners.show_banner("skipped", Kind.WARNING,
                                          text.replace("%1", name_list(self.skipped, self.tr)),
                                          timeout_ms=30_000)
        banner.destroyed.connect(self._skipped_gone)

    def _skipped_gone(self, *_: object) -> None:
        if self.banners.banner("skipped") is None:
            self.skipped = []

    def report_problem(self, text: str) -> None:
        self.banners.show_banner("problem", Kind.ERROR, text, timeout_ms=30_000)

    def open_failed(self, text: str) -> None:
        self.banners.show_banner(
            "open", Kind.ERROR,
            self.tr("ProductSnap could not open its job list: %1").replace("%1", text),
            [("log", self.tr("Open log folder"))], closable=False)

    def history_set_aside(self, text: str) -> None:
        self.banners.show_banner("history", Kind.WARNING, text,
                                 [("log", self.tr("Open log folder"))])

    # -- the account -----------------------------------------------------------------------------

    def account_problem(self, error: AccountProblemError) -> None:
        """One banner with the fix; the queue is already paused, the jobs stay queued."""
        self.problem = error
        actions = [("settings", self.tr("Open Settings"))]
        if error.kind in (AccountProblemKind.DAILY_QUOTA, AccountProblemKind.SERVICE_UNREACHABLE):
            actions.append(("resume", self.tr("Try again")))
        lead = {
            AccountProblemKind.KEY_REFUSED: self.tr("Gemini refused the API key."),
            AccountProblemKind.NO_KEY: self.tr("Live mode needs a Gemini API key."),
            AccountProblemKind.BILLING: self.tr("Gemini needs billing set up for this key."),
            AccountProblemKind.API_DISABLED: self.tr("The Gemini API is not enabled for this "
                                                     "key's project."),
            AccountProblemKind.DAILY_QUOTA: self.tr("Today's Gemini quota is used up."),
            AccountProblemKind.MODEL_UNAVAILABLE: self.tr("The chosen model is not available."),
            AccountProblemKind.REGION_UNSUPPORTED: self.tr("Gemini is not offered where you "
                                                           "are."),
            AccountProblemKind.ACCOUNT_RESTRICTED: self.tr("Google has restricted this Gemini "
                                                           "account."),
            AccountProblemKind.QUOTA_EXHAUSTED: self.tr("The Gemini quota for this key is used "
                                                        "up for now."),
        }.get(error.kind, "")
        text = f"{lead} {error.message}".strip() if lead and lead not in error.message \
            else error.message
        text += " " + self.tr("The queue is paused; your photos wait.")
        self.banners.show_banner("account", Kind.ERROR, text, actions, closable=False)
        self.window.schedule_refresh()

    def settings_closed(self) -> None:
        """After Settings: if the queue was paused for the account, try again with the new
        settings (a problem that remains shows its banner again)."""
        queue = self.window.session.queue
        if queue is not None and queue.account_problem is not None:
            queue.reconfigure(self.window.session.config)
            self.window.resume_queue()
        self.problem = None

    # -- the runner lock and resuming ------------------------------------------------------------

    def lock_changed(self, holds: bool) -> None:
        if holds:
            self.banners.hide_banner("lock")
        else:
            self.banners.show_banner(
                "lock", Kind.WARNING,
                self.tr("Another ProductSnap (a command-line run) is working through the queue. "
                        "Its progress shows here; photos you add wait until it is finished."),
                closable=False)
        self.window.schedule_refresh()

    def ask_resume(self, count: int, cost: float) -> None:
        box = resume_question(self.window, count, cost)
        self._resume_info = (count, cost)
        box.finished.connect(lambda _code, b=box: self._resume_answered(b))
        box.open()

    def _resume_answered(self, box: QMessageBox) -> None:
        queue = self.window.session.queue
        choice = box.clickedButton().objectName() if box.clickedButton() else "later"
        box.deleteLater()
        if queue is None:
            return
        if choice == "resume":
            self.window.resume_queue()
        elif choice == "cancel":
            queue.cancel(self.window.model.ids_with(JobStatus.QUEUED))
            self.window.resume_queue()
        else:
            count, cost = self._resume_info
            self.banners.show_banner(
                "resume", Kind.INFO,
                self.tr("%1 unfinished photos are waiting; resuming costs about $%2.")
                .replace("%1", str(count)).replace("%2", f"{cost:.2f}"),
                [("resume", self.tr("Resume"))])
        self.window.schedule_refresh()

    # -- banner buttons --------------------------------------------------------------------------

    def _banner_action(self, key: str, action: str) -> None:
        if action == "settings":
            self.window.commands.open_settings()
        elif action == "resume":
            self.window.resume_queue()
        elif action == "show-duplicates":
            self.window.gallery.select_ids(self._duplicates)
        elif action == "log":
            self.window.commands.open_log_folder()

