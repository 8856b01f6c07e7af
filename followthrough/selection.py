"""The dashboard's selection, apart from the sidebar that sets it: a period and the chosen values per
dimension, the period before it, and the one SQL parameter `$sel` that marts.in_selection reads.
Free of Streamlit, so that the publish can compute the default view's figures (followthrough/stored.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

DIMENSIONS = (("severity", "Severity"), ("service", "Service"), ("team", "Team"))


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    as_of: datetime
    severity: tuple[str, ...] = field(default=())
    service: tuple[str, ...] = field(default=())
    team: tuple[str, ...] = field(default=())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Filters":
        """The period just before this one, with the same selections: the quarter before when this
        one is a calendar quarter (so Overview agrees with the Quarterly review), else the same
        number of days."""
        if self.is_calendar_quarter:
            return replace(self, start=_months_later(self.start, -3), end=self.start - timedelta(days=1))
        return replace(self, start=self.start - timedelta(days=self.days), end=self.start - timedelta(days=1))

    @property
    def is_calendar_quarter(self) -> bool:
        return (self.start.day == 1 and self.start.month in (1, 4, 7, 10)
                and self.end == _months_later(self.start, 3) - timedelta(days=1))

    def params(self) -> dict:
        """The selection as the one SQL parameter `$sel` that marts.in_selection reads: a half-open
        [start, end) range of timestamps and, per dimension, the chosen values."""
        return {"sel": {"start": datetime.combine(self.start, datetime.min.time()),
                        "end": datetime.combine(self.end + timedelta(days=1), datetime.min.time()),
                        **{name: list(getattr(self, name)) for name, _ in DIMENSIONS}}}

    def describe(self) -> str:
        parts = [f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"]
        for name, label in DIMENSIONS:
            chosen = getattr(self, name)
            if chosen:
                parts.append(f"{label.lower()}: {', '.join(chosen)}")
        return "; ".join(parts)


def _months_later(first_of_month: date, months: int) -> date:
    month = first_of_month.month - 1 + months
    return date(first_of_month.year + month // 12, month % 12 + 1, 1)


def default_period(as_of: datetime) -> tuple[date, date]:
    """The twelve months up to the data's as-of date, not the wall clock, so a shared link and the
    demo always show the same figures."""
    return as_of.date() - timedelta(days=364), as_of.date()


def between(filters: Filters, start: datetime, end: datetime) -> Filters:
    """The filters over [start, end) instead of their own period: a quarter, say."""
    return replace(filters, start=start.date(), end=(end - timedelta(days=1)).date())
