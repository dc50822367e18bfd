"""What the window tells the user about the queue: files skipped (once, by name), photos already
made, an account problem with its fix (one banner, queue paused; for a model Google no longer
serves, also "Choose automatically"), a model Google will retire (once), a queue held by another
ProductSnap, and the live-mode question before spending (asked by the spending gate)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QMessageBox

from app.core.config import AUTOMATIC_MODEL, Config, save_settings
from app.core.photos import AddResult
from app.gui.banners import Kind
from app.gui.consent import Spend
from app.gui.dialogs import spend_question, update_spend_question
from app.gui.pools import run_for
from app.services.errors import AccountProblemError, AccountProblemKind

if TYPE_CHECKING:
    from app.gui.main_window import MainWindow

NAMES_SHOWN = 6


def show_question(box: QMessageBox) -> None:
    """Open a question without blocking (window-modal); its ``finished`` carries the answer.
    Tests replace this to answer it themselves."""
    box.open()


def name_list(paths: list[str], tr: Callable[[str], str]) -> str:
    names = [Path(p).name for p in paths]
    shown = ", ".join(names[:NAMES_SHOWN])
    if len(names) > NAMES_SHOWN:
        shown += tr(" and %1 more").replace("%1", str(len(names) - NAMES_SHOWN))
    return shown


# Problems that can pass by themselves or by a fix outside the app: worth a "Try again".
_TRY_AGAIN = frozenset({AccountProblemKind.DAILY_QUOTA, AccountProblemKind.QUOTA_EXHAUSTED,
                        AccountProblemKind.SERVICE_UNREACHABLE, AccountProblemKind.STORAGE})


class QueueFeedback(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.banners = window.banners
        self.skipped: list[str] = []
        self.problem: AccountProblemError | None = None
        self._duplicates: list[str] = []
        self._warnings_shown: set[str] = set()
        self._resume_waiting = False
        self.spend_box: QMessageBox | None = None  # the question before spending, while open
        self.banners.action_triggered.connect(self._banner_action)
        gate = window.session.gate
        gate.approval_requested.connect(self.ask_spending)
        gate.approval_withdrawn.connect(self._spending_withdrawn)
        gate.spending_approved.connect(self._spending_approved)
        gate.spending_declined.connect(self._spending_declined)

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
                [("show-duplicates", self.tr("Show them")),
                 ("another-version", self.tr("Make another version"))], timeout_ms=30_000)
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
        if error.kind is AccountProblemKind.MODEL_UNAVAILABLE and self._can_choose_automatically():
            actions.insert(0, ("automatic", self.tr("Choose automatically")))
        if error.kind in _TRY_AGAIN:
            actions.append(("resume", self.tr("Try again")))
        # The engine's sentence already says what happened and what to do: said once. A
        # missing key is the window's to explain: Settings, not environment variables.
        text = (self.tr("Live mode needs a Gemini API key: add it in Settings.")
                if error.kind is AccountProblemKind.NO_KEY else error.message)
        text += " " + self.tr("The queue is paused; your photos wait.")
        self.banners.show_banner("account", Kind.ERROR, text, actions, closable=False)
        self.window.schedule_refresh()

    def _can_choose_automatically(self) -> bool:
        """Only when it would change something: not already "automatic", not set outside the
        app (saving it would change nothing)."""
        config = self.window.session.config
        return config.model != AUTOMATIC_MODEL and config.locked_reason("model") is None

    def choose_automatically(self) -> None:
        """Save the model setting "automatic" (off the GUI thread, like Settings does), apply it
        and carry on with the photos waiting."""
        if not self._can_choose_automatically():
            return
        banner = self.banners.banner("account")
        if banner is not None and "automatic" in banner.buttons:
            banner.buttons["automatic"].setEnabled(False)  # one save, however many clicks
        config = self.window.session.config
        run_for(self, self.window.pools.io,
                 lambda: save_settings(config, {"model": AUTOMATIC_MODEL},
                                       changed_by="the model banner"),
                 on_done=self._chose_automatically, on_error=self._automatic_failed)

    def _chose_automatically(self, config: Config) -> None:
        self.window.config_saved(config)
        self.problem = None
        self._resume_after_fix()
        self.window.statusBar().showMessage(
            self.tr("ProductSnap now chooses the model automatically."), 8000)

    def _automatic_failed(self, error: BaseException) -> None:
        banner = self.banners.banner("account")
        if banner is not None and "automatic" in banner.buttons:
            banner.buttons["automatic"].setEnabled(True)
        self.report_problem(self.tr("The model setting could not be saved: %1").replace(
            "%1", str(error)))

    def model_warned(self, text: str) -> None:
        """Google will retire the model in use: said once per sentence, with the way out."""
        if text in self._warnings_shown:
            return
        self._warnings_shown.add(text)
        self.banners.show_banner("model-warning", Kind.WARNING, text,
                                 [("settings", self.tr("Open Settings"))])

    def settings_closed(self) -> None:
        """After Settings: if the queue was paused for the account, try again with the new
        settings (a problem that remains shows its banner again)."""
        queue = self.window.session.queue
        if queue is not None and queue.account_problem is not None:
            queue.reconfigure(self.window.session.config)
            self._resume_after_fix()
        self.problem = None

    def _resume_after_fix(self) -> None:
        """Carry on once the jobs still in flight have ended. One that started under the old
        settings can still fail the old way, and the queue would take that as a new problem
        and pause again right after the fix."""
        queue = self.window.session.queue
        if queue is None:
            return
        if queue.running_count == 0:
            self.window.resume_queue()
        elif not self._resume_waiting:
            self._resume_waiting = True
            queue.state_changed.connect(self._resume_if_idle)

    def _resume_if_idle(self) -> None:
        queue = self.window.session.queue
        if queue is None or queue.running_count:
            return
        queue.state_changed.disconnect(self._resume_if_idle)
        self._resume_waiting = False
        self.window.resume_queue()

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

    # -- the question before spending ---------------------------------------------------------

    def ask_spending(self, spend: Spend) -> None:
        """One question at a time: asked again while open, it is brought up to date."""
        if self.spend_box is not None:
            update_spend_question(self.spend_box, spend)
            return
        box = spend_question(self.window, spend)
        self.spend_box = box
        box.finished.connect(lambda _code, b=box: self._spending_answered(b))
        show_question(box)

    def _spending_answered(self, box: QMessageBox) -> None:
        if box is not self.spend_box:  # withdrawn: the answer no longer matters
            return
        self.spend_box = None
        clicked = box.clickedButton()
        box.deleteLater()
        self.window.session.gate.answer(clicked is not None and clicked.objectName() == "start")
        self.window.schedule_refresh()

    def _spending_withdrawn(self) -> None:
        box, self.spend_box = self.spend_box, None
        if box is not None:
            box.done(0)
            box.deleteLater()

    def _spending_approved(self, _count: int) -> None:
        self.banners.hide_banner("resume")
        self.window.schedule_refresh()

    def _spending_declined(self, spend: Spend) -> None:
        """"Not now": the photos wait on hold (free cut-outs run on); the banner (or Resume)
        asks again."""
        text = (self.tr("1 photo waits in the queue until you start it.") if spend.count == 1
                else self.tr("%1 photos wait in the queue until you start them.").replace(
                    "%1", str(spend.count)))
        if spend.cost is not None:
            cost = (self.tr("Making it costs about $%1.") if spend.count == 1 else
                    self.tr("Making them costs about $%1."))
            text += " " + cost.replace("%1", f"{spend.cost:.2f}")
        self.banners.show_banner("resume", Kind.INFO, text, [("resume", self.tr("Start…"))])
        self.window.schedule_refresh()

    # -- banner buttons --------------------------------------------------------------------------

    def _banner_action(self, key: str, action: str) -> None:
        if action == "settings":
            self.window.commands.open_settings()
        elif action == "resume":
            self.window.resume_queue()
        elif action == "automatic":
            self.choose_automatically()
        elif action == "show-duplicates":
            self.window.gallery.select_ids(self._duplicates)
        elif action == "another-version":
            self.window.commands.make_another_version(self._duplicates)
        elif action == "log":
            self.window.commands.open_log_folder()

