"""The headline figures, catalogued once: the column of marts.period_figures each reads, its label,
help, unit and which direction is good news. Overview, the quarterly review, its exports and its
summary all take their words from here, so a figure cannot be named one way on one page and
another way on the next.

Labels and help say "{period}": the Overview fills in "period", the quarterly review "quarter".
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    column: str
    label: str
    unit: str  # count, duration (days) or share
    better: str | None  # "lower", "higher", or None where neither direction is good news
    help: str

    def label_for(self, period: str) -> str:
        return self.label.format(period=period)

    def help_for(self, period: str) -> str:
        return self.help.format(period=period)


FIGURES = (
    Figure("incidents", "Incidents", "count", "lower", "Incidents opened in the {period} that match the filters."),
    Figure("sev1", "SEV-1 incidents", "count", "lower", "SEV-1 incidents opened in the {period}."),
    Figure("median_days_to_resolve", "Median time to resolve", "duration", "lower",
           "Half of the {period}'s resolved incidents were resolved faster than this. Incidents still "
           "unresolved are not counted."),
    Figure("p80_days_to_resolve", "80% resolved within", "duration", "lower",
           "Four in five of the {period}'s resolved incidents were resolved faster than this (the 80th "
           "percentile time to resolve)."),
    Figure("recurrence_rate", "Recurrence rate", "share", "lower",
           "Share of the {period}'s incidents that repeat an earlier incident: linked to it as a repeat, "
           "or the next incident on the same service within the recurrence window. See the Recurrence page."),
    Figure("items_filed", "Action items filed", "count", None, "Action items filed in the {period}."),
    Figure("items_closed", "Closed by {period} end", "count", "higher",
           "Action items filed in the {period} and closed by its end."),
    Figure("items_open", "Open at {period} end", "count", "lower",
           "Action items filed in the {period} and still open at its end."),
    Figure("items_overdue", "Overdue at {period} end", "count", "lower",
           "Action items filed in the {period}, open at its end and past their due date."),
    Figure("strategic_stalled", "Strategic items stalled", "count", "lower",
           "Strategic action items filed in the {period} that, at its end, had had no status change for "
           "longer than the stall threshold, or had never been started. See Strategic stalls."),
    Figure("median_days_to_close", "Median time to close", "duration", "lower",
           "Half of the action items filed in the {period} closed within this time. Items still open "
           "count for as long as they have been open (Kaplan-Meier), so slow items are not left out; "
           "'not reached' means more than half are still open."),
    Figure("closed_within_30", "Closed within 30 days", "share", "higher",
           "Kaplan-Meier estimate for the {period}'s action items."),
    Figure("closed_within_60", "Closed within 60 days", "share", "higher",
           "Kaplan-Meier estimate for the {period}'s action items."),
    Figure("closed_within_90", "Closed within 90 days", "share", "higher",
           "Kaplan-Meier estimate for the {period}'s action items."),
)
BY_COLUMN = {f.column: f for f in FIGURES}


def figure(column: str) -> Figure:
    return BY_COLUMN[column]


def not_reached(column: str, value, items_filed) -> bool:
    """A median time to close that is missing although items were filed: more than half are open."""
    return column == "median_days_to_close" and value is None and bool(items_filed)
