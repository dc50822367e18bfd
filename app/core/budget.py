"""A monthly spending budget that several requests in flight cannot overshoot together.

Before a live request is sent, its estimate is reserved against the month's spend; the
reservation holds until the answer's real cost is recorded. A request that would take the
month past the budget is not sent: the queue pauses with the photos queued.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from app.services.errors import AccountProblemError, AccountProblemKind


class MonthlyBudget:
    def __init__(self, limit_usd: float | None, spent_this_month: Callable[[], float]) -> None:
        self.limit_usd = limit_usd
        self._spent = spent_this_month
        self._reserved: dict[str, float] = {}
        self._lock = threading.Lock()

    @property
    def reserved_usd(self) -> float:
        with self._lock:
            return sum(self._reserved.values())

    @contextmanager
    def reserve(self, job_id: str, estimate_usd: float | None) -> Iterator[None]:
        """Hold ``estimate_usd`` for this job while its request is out; raises
        AccountProblemError (BUDGET) instead when it would pass the budget."""
        if self.limit_usd is None:
            yield
            return
        with self._lock:
            if estimate_usd is None:
                raise AccountProblemError(
                    AccountProblemKind.BUDGET,
                    "The price of this model is not known, so the monthly budget cannot be "
                    "kept. Choose a model ProductSnap knows the price of, or remove the budget "
                    "in Settings, then resume: the photos stay queued.")
            spent = self._spent()
            on_its_way = sum(self._reserved.values())
            if spent + on_its_way + estimate_usd > self.limit_usd + 1e-9:
                raise AccountProblemError(
                    AccountProblemKind.BUDGET,
                    f"This month's budget of ${self.limit_usd:.2f} would be passed "
                    f"(${spent:.2f} spent, ${on_its_way:.2f} on its way, about "
                    f"${estimate_usd:.2f} for the next photo). Raise the monthly budget in "
                    "Settings (or PRODUCTSNAP_MONTHLY_BUDGET), then resume: the photos stay "
                    "queued.")
            self._reserved[job_id] = estimate_usd
        try:
            yield
        finally:
            with self._lock:
                self._reserved.pop(job_id, None)
