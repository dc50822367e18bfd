"""The monthly budget on its own: reservations held while requests are out, released after."""

from __future__ import annotations

import pytest

from app.core.budget import MonthlyBudget
from app.services.errors import AccountProblemError, AccountProblemKind


def test_reservations_add_up_and_are_released() -> None:
    spent = [0.50]
    budget = MonthlyBudget(1.00, lambda: spent[0])
    with budget.reserve("a", 0.30), budget.reserve("b", 0.15):
        assert budget.reserved_usd == pytest.approx(0.45)
        with pytest.raises(AccountProblemError) as stopped, budget.reserve("c", 0.10):
            pass
        assert stopped.value.kind is AccountProblemKind.BUDGET
        assert "$0.50 spent, $0.45 on its way" in stopped.value.message
    assert budget.reserved_usd == 0
    with budget.reserve("c", 0.10):
        spent[0] = 0.60  # the answer's real cost is recorded before the hold ends


def test_no_budget_reserves_nothing_and_an_unknown_price_cannot_be_kept() -> None:
    free = MonthlyBudget(None, lambda: 1_000.0)
    with free.reserve("a", None):
        assert free.reserved_usd == 0
    kept = MonthlyBudget(5.0, lambda: 0.0)
    with pytest.raises(AccountProblemError, match="price of this model is not known"), \
            kept.reserve("a", None):
        pass
