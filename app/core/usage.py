"""Usage tracking: what finished jobs cost, per day and per month (local time)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.store import JobStore


@dataclass(frozen=True)
class UsageTotals:
    cost_usd: float
    images: int


def _midnight(day: date) -> float:
    return datetime(day.year, day.month, day.day).timestamp()


def usage_on(store: JobStore, day: date) -> UsageTotals:
    cost, images = store.cost_between(_midnight(day), _midnight(day + timedelta(days=1)))
    return UsageTotals(cost, images)


def usage_in_month(store: JobStore, year: int, month: int) -> UsageTotals:
    start = date(year, month, 1)
    end = date(year + (month == 12), month % 12 + 1, 1)
    cost, images = store.cost_between(_midnight(start), _midnight(end))
    return UsageTotals(cost, images)


def usage_today(store: JobStore) -> UsageTotals:
    return usage_on(store, date.today())


def usage_this_month(store: JobStore) -> UsageTotals:
    today = date.today()
    return usage_in_month(store, today.year, today.month)


def usage_by_day_this_month(store: JobStore) -> list[tuple[date, UsageTotals]]:
    """Each day of this month that had live spend, with what it cost and made."""
    today = date.today()
    start = date(today.year, today.month, 1)
    end = date(today.year + (today.month == 12), today.month % 12 + 1, 1)
    return [(date.fromisoformat(day), UsageTotals(cost, images))
            for day, cost, images in store.cost_by_day(_midnight(start), _midnight(end))]
