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
           "Half of the {period}'s incidents were resolved within this time. Incidents still unresolved "
           "count for as long as they have been open (Kaplan-Meier, as for action items), so slow ones "
           "are not left out; 'not reached' means more than half are unresolved."),
    Figure("p80_days_to_resolve", "80% resolved within", "duration", "lower",
           "Four in five of the {period}'s incidents were resolved within this time (Kaplan-Meier, "
           "unresolved incidents counted for as long as they have been open)."),
    Figure("unresolved_incidents", "Still unresolved", "count", "lower",
           "The {period}'s incidents not resolved at the as-of time: the times to resolve count them "
           "as still open."),
    Figure("recurrence_rate", "Recurrence rate", "share", "lower",
           "Share of the {period}'s incidents that repeat an earlier incident: linked to it as a repeat, "
           "the same root cause, or a similar summary on the same service, within the recurrence window. "
           "Another incident on the same service alone is not a repeat. See the Recurrence page."),
    Figure("share_repeats_while_open", "Repeats while fixes open", "share", "lower",
           "Share of the {period}'s repeats that came back while action items of an earlier incident "
           "they repeat were still open."),
    Figure("items_filed", "Action items filed", "count", None, "Action items filed in the {period}."),
    Figure("items_done", "Done by {period} end", "count", "higher",
           "Action items filed in the {period} and done by its end."),
    Figure("items_dropped", "Dropped by {period} end", "count", None,
           "Action items filed in the {period} and closed without being done by its end (Won't Do, "
           "Duplicate and the like: [action_items].dropped_resolutions). A decision, not follow-through."),
    Figure("items_open", "Open at {period} end", "count", "lower",
           "Action items filed in the {period} and still open at its end."),
    Figure("items_overdue", "Overdue at {period} end", "count", "lower",
           "Action items filed in the {period}, open at its end and past their due date."),
    Figure("strategic_stalled", "Strategic items stalled", "count", "lower",
           "Strategic action items filed in the {period} that, at its end, had had no status change for "
           "longer than the stall threshold, or had never been started. See Strategic stalls."),
    Figure("median_days_to_done", "Median time to done", "duration", "lower",
           "Half of the action items filed in the {period} were done within this time. Items still open "
           "count for as long as they have been open and dropped items as never done (Aalen-Johansen), "
           "so neither slow nor dropped items flatter it; 'not reached' means fewer than half are done."),
    Figure("done_within_30", "Done within 30 days", "share", "higher",
           "Aalen-Johansen estimate for the {period}'s action items, dropping a competing outcome."),
    Figure("done_within_60", "Done within 60 days", "share", "higher",
           "Aalen-Johansen estimate for the {period}'s action items, dropping a competing outcome."),
    Figure("done_within_90", "Done within 90 days", "share", "higher",
           "Aalen-Johansen estimate for the {period}'s action items, dropping a competing outcome."),
    Figure("target_attainment", "On target by {period} end", "share", "higher",
           "Of the {period}'s action items decided by its end (done, or open past their target), the share "
           "done by their target. Targets are days by class and severity ([targets]); an item whose target "
           "is still ahead is not counted either way, and a dropped one is neither met nor missed."),
    # Only the Quarterly review shows it, on a card that holds about 28 characters. The moment
    # stays in the label, shortened to "Q end": "Strategic on target" alone is the Overview's
    # figure at the as-of time.
    Figure("strategic_target_attainment", "Strategic on target by Q end", "share", "higher",
           "Target attainment of the {period}'s strategic action items alone, at the {period}'s end."),
    Figure("items_past_target", "Past target at {period} end", "count", "lower",
           "Action items filed in the {period} and open at its end with their target passed. See "
           "Follow-through for whose they are."),
)
BY_COLUMN = {f.column: f for f in FIGURES}


def figure(column: str) -> Figure:
    return BY_COLUMN[column]


MEDIANS = {"median_days_to_done": "items_filed", "median_days_to_resolve": "incidents"}


def not_reached(column: str, value, row) -> bool:
    """A median that is missing although there is something to measure: fewer than half got there."""
    return column in MEDIANS and value is None and bool(row[MEDIANS[column]])
