"""Consent before spending: in live mode no photo is sent to Gemini until the user has said yes
to what the batch will cost, or the batch costs no more than the setting "Ask before spending
more than $X".

The queue tells its listeners about every job it is about to run (``JobQueue.jobs_queued``,
emitted before it pumps, on the GUI thread), whichever way the job came: dropped, "Open with",
the command line, the samples, Retry failed, "Make another version", or left from an earlier
run. The gate listens with a direct connection, so that it can hold those jobs before anything
starts. It holds jobs, not the queue: free cut-outs and jobs already approved run on while a
question is open or after "Not now". One question covers every job waiting for a yes: a burst of
additions is gathered on a zero-timer, and a question already open is brought up to date instead
of asked again.

A job needs a yes each time it is queued (a retried job is a new expense); a job put back in
the queue by the queue itself (an account problem, a stop) keeps the yes it had, so nothing is
asked twice. In demo mode nothing costs money and nothing is asked; jobs queued there still
need a yes if the user switches to live mode before they run.

The price needs the live model: "automatic" has none until the service was asked. The gate
settles the model first (a free call, off the GUI thread). When even that fails with a problem
of the account (no key, a refused key, a model the key cannot use), nothing can be sent: the
jobs are let into the queue without a yes, meet the problem at once and wait behind its banner;
the fix resumes through the gate, which then asks with the price.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from app.core.config import Config, Mode
from app.core.job import Job, JobStatus
from app.core.photos import AddResult
from app.gui.pools import run_for
from app.services.errors import AccountProblemError, AccountProblemKind
from app.services.styles import UnknownStyleError, get_style, is_local_style

if TYPE_CHECKING:
    from app.gui.session import AppSession
    from app.worker import JobQueue

log = logging.getLogger(__name__)

# Problems that can pass while the jobs wait (the network comes back): the question is asked
# with the price unknown rather than letting the jobs run into them.
_CAN_PASS = frozenset({AccountProblemKind.SERVICE_UNREACHABLE, AccountProblemKind.STORAGE,
                       AccountProblemKind.DAILY_QUOTA, AccountProblemKind.QUOTA_EXHAUSTED})


def ask_above(config: Config) -> float:
    """The setting "Ask before spending more than $X" ($0 asks before every live batch)."""
    return config.ask_above_usd


@dataclass(frozen=True)
class Spend:
    """What the question says: how many photos, in which styles, made how, and the total."""

    count: int
    styles: tuple[str, ...]  # the styles' names, in the order the photos came
    model: str | None  # None: "automatic" has not chosen yet
    size: str
    cost: float | None  # None: not known (no model chosen yet, or no price for the model)
    resumed: int = 0  # of them, left unfinished by an earlier run


class SpendingGate(QObject):
    """Holds live jobs until the user (or the threshold) said yes to their cost."""

    approval_requested = Signal(Spend)  # ask; answer with ``answer``. Again: update the question
    approval_withdrawn = Signal()  # the question is moot (cancelled, demo mode): close it
    spending_approved = Signal(int)  # this many jobs may run
    spending_declined = Signal(Spend)  # "Not now": these wait on hold; the rest runs

    def __init__(self, session: AppSession) -> None:
        super().__init__(session)
        self.session = session
        self.queue: JobQueue | None = None
        # Jobs without a yes, with their last known status; a job leaves when it is approved,
        # ends or is removed. Only the QUEUED ones are asked about.
        self._unapproved: dict[str, JobStatus] = {}
        self._styles: dict[str, str] = {}  # job id -> style id, for the question's wording
        self._resumed: set[str] = set()  # queued by the start: left from an earlier run
        self._asked: list[str] | None = None  # the jobs the open question is about
        self._starting = False
        self._settling = False
        self._explicit = False  # the user asked to resume: ask even behind an account problem
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._prepare)

    # -- wiring ----------------------------------------------------------------------------------

    def attach(self, queue: JobQueue) -> None:
        self.queue = queue
        # Direct: the slot runs inside ``_enqueue``, before the queue pumps.
        queue.jobs_queued.connect(self._queued, Qt.ConnectionType.DirectConnection)
        queue.jobs_added.connect(self._added)
        queue.job_changed.connect(self._changed)
        queue.jobs_removed.connect(self._removed)
        queue.started.connect(self._started)
        self.session.history_loaded.connect(self._history)

    @property
    def live(self) -> bool:
        return self.session.config.mode is Mode.LIVE

    @property
    def asking(self) -> bool:
        return self._asked is not None

    def waiting(self) -> list[str]:
        """The queued jobs that have no yes yet, in the order they came."""
        return [i for i, status in self._unapproved.items() if status is JobStatus.QUEUED]

    # -- what the queue says -----------------------------------------------------------------

    def _queued(self, ids: list[str]) -> None:
        """GUI thread, inside the queue's ``_enqueue``: nothing of ``ids`` has started yet."""
        free = self._free(ids)
        paid = [job_id for job_id in ids if job_id not in free]  # a cut-out needs no yes
        for job_id in paid:
            self._unapproved[job_id] = JobStatus.QUEUED
            if self._starting:
                self._resumed.add(job_id)
        if not paid or not self.live or self.queue is None:
            return  # free jobs run past those waiting; "Not now" is not asked again
        if self._fits_now():
            self._approve(self.waiting())
            return
        self.queue.hold(self.waiting())
        self._ask_soon()

    def _free(self, ids: list[str]) -> set[str]:
        engine = self.session.engine
        if engine is None or not ids:
            return set()
        return {job.id for job in engine.store.many(ids) if is_local_style(job.style)}

    def _fits_now(self) -> bool:
        """Decided on the spot, without pausing: the model is known and everything waiting
        costs no more than the setting (and no question is open or being prepared)."""
        engine = self.session.engine
        if (engine is None or self.asking or self._settling or self._timer.isActive()
                or self._starting or engine.model_in_use() is None):
            return False
        cost = engine.estimate_cost(len(self.waiting()))
        return cost is not None and cost <= ask_above(self.session.config)

    def _started(self, _count: int) -> None:
        """The queue is loaded (at open, or when the command line let go of it): ask about
        everything waiting, also what was added while another run held the queue."""
        self._starting = False
        self.review()

    def _history(self, jobs: list[Job]) -> None:
        for job in jobs:
            self._styles[job.id] = job.style
            self._update(job)

    def _added(self, result: AddResult) -> None:
        for job in result.jobs:
            self._styles[job.id] = job.style

    def _changed(self, job: Job) -> None:
        self._styles[job.id] = job.style
        self._update(job)

    def _update(self, job: Job) -> None:
        if job.id not in self._unapproved:
            return
        if job.status.is_final:
            self._forget([job.id])
        else:
            self._unapproved[job.id] = job.status

    def _removed(self, ids: list[str]) -> None:
        self._forget(ids)
        for job_id in ids:
            self._styles.pop(job_id, None)

    def _forget(self, ids: list[str]) -> None:
        for job_id in ids:
            self._unapproved.pop(job_id, None)
            self._resumed.discard(job_id)
        if self.asking:
            self._ask_soon()  # the open question is brought up to date, or withdrawn

    # -- the session's side ----------------------------------------------------------------------

    def hold_start(self) -> None:
        """Live mode: the queue is about to load what an earlier run left; the gate holds
        what has no yes and asks about it once the queue has started."""
        self._starting = True

    def mode_changing(self, old: Mode, new: Mode) -> None:
        """Before the queue runs under new settings: jobs queued in demo mode are not paid
        for; in live mode they would be."""
        queue = self.queue
        if queue is None or old is new:
            return
        if new is Mode.LIVE and self.waiting():
            queue.hold(self.waiting())
            self._ask_soon()
        elif new is Mode.MOCK:
            self._withdraw()
            queue.release()  # nothing costs money in demo mode

    def review(self) -> None:
        """Ask about whatever waits for a yes (nothing asked when nothing waits)."""
        if self.live and self.waiting():
            self._ask_soon()
        elif self.queue is not None:
            self.queue.release()

    def resume(self) -> None:
        """Resume, Start… and every fix of an account problem end here: what has no yes is
        asked about first ("Not now" earlier, jobs left from before)."""
        queue = self.queue
        if queue is None or not self.session.holds_lock:
            return
        if self.live and self.waiting():
            queue.hold(self.waiting())  # asked first, whatever else resumes the queue
            self._explicit = True
            self._ask_soon()
            return
        queue.resume()

    def answer(self, start: bool) -> None:
        """The user's answer to the open question."""
        asked, self._asked = self._asked, None
        explicit, self._explicit = self._explicit, False
        if asked is None:
            return
        if not start:  # they stay on hold; Start asks again
            if explicit:
                self._resume_queue()  # the user asked to resume: what needs no yes runs
            spend = self._spend(self.waiting())
            if spend is not None:
                self.spending_declined.emit(spend)
            return
        waiting = set(self.waiting())
        self._approve([i for i in asked if i in waiting])
        if self.waiting():  # added in the moment before the question was shown: asked next
            self._explicit = explicit
            self._ask_soon()
        else:
            self._resume_queue(force=True)  # "Start" starts, also a queue paused before

    # -- deciding --------------------------------------------------------------------------------

    def _ask_soon(self) -> None:
        if not self._timer.isActive():
            self._timer.start()

    def _prepare(self, settled: BaseException | bool = False) -> None:
        """After the burst: decide without asking (below the setting), or ask."""
        queue, engine, session = self.queue, self.session.engine, self.session
        if queue is None or engine is None or self._settling or session.closed:
            return
        waiting = self.waiting()
        if not self.live or not waiting:
            self._withdraw()
            queue.release()  # nothing left that needs a yes
            return
        if not session.holds_lock:
            return  # the queue is held by another run: asked when it is ours (``_started``)
        if queue.account_problem is not None and not self._explicit and not self.asking:
            return  # paused for the account: asked when its fix resumes the queue
        if settled is False and engine.model_in_use() is None:
            self._settle()
            return
        if isinstance(settled, AccountProblemError) and settled.kind not in _CAN_PASS:
            self._let_through(settled)
            return
        spend = self._spend(waiting)
        if spend is None:
            return
        if spend.cost is not None and spend.cost <= ask_above(session.config):
            explicit = self._explicit
            self._withdraw()
            self._approve(waiting, force=explicit)
            return
        self._asked = waiting
        self.approval_requested.emit(spend)

    def _settle(self) -> None:
        """Choose the live model (a free call, on the network pool), then decide."""
        engine = self.session.engine
        assert engine is not None
        self._settling = True

        def done(_client: object) -> None:
            self._settling = False
            self._prepare(settled=True)

        def failed(error: BaseException) -> None:
            self._settling = False
            log.info("The live model is not chosen yet: %s", error)
            self._prepare(settled=error)

        run_for(self, self.session.pools.network, lambda: engine.client, on_done=done,
                on_error=failed)

    def _let_through(self, problem: AccountProblemError) -> None:
        """Nothing can be sent while this lasts: let the queue meet it and show its banner.
        The jobs keep no yes, so the fix resumes through the question."""
        log.info("Not asking before spending: nothing can be sent (%s)", problem.kind)
        self._withdraw()
        if self.queue is not None:
            self.queue.release()
        if self._explicit:
            self._resume_queue(force=True)
        self._explicit = False

    def _spend(self, ids: list[str]) -> Spend | None:
        engine = self.session.engine
        if engine is None or not ids:
            return None
        names: list[str] = []
        for job_id in ids:
            name = _style_name(self._styles.get(job_id))
            if name and name not in names:
                names.append(name)
        choice = self.session.model_choice()
        config = self.session.config
        model = choice.model if choice is not None else engine.model_in_use()
        size = choice.size if choice is not None else config.image_size
        return Spend(len(ids), tuple(names), model, size, engine.estimate_cost(len(ids)),
                     sum(1 for i in ids if i in self._resumed))

    def _approve(self, ids: list[str], force: bool = False) -> None:
        """Release the approved jobs. ``force``: the user asked to resume, so the queue is
        resumed too, also over an account problem (resuming is how it tries again)."""
        self._explicit = False
        for job_id in ids:
            self._unapproved.pop(job_id, None)
            self._resumed.discard(job_id)
        if ids:
            log.info("Spending approved for %d photo(s)", len(ids))
            self.spending_approved.emit(len(ids))
        if self.queue is not None:
            self.queue.release(ids)
        if force:
            self._resume_queue(force=True)

    def _resume_queue(self, force: bool = False) -> None:
        """Resume a paused queue; never over an account problem unless ``force``."""
        queue = self.queue
        if queue is None or not self.session.holds_lock or not queue.is_paused:
            return
        if queue.account_problem is not None and not force:
            return
        queue.resume()

    def _withdraw(self) -> None:
        if self._asked is not None:
            self._asked = None
            self._explicit = False
            self.approval_withdrawn.emit()


def _style_name(style_id: str | None) -> str:
    if not style_id:
        return ""
    try:
        return get_style(style_id).name
    except UnknownStyleError:
        return style_id
