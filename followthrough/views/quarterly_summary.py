"""The quarterly review's summary: plain sentences built from the quarter's figures and nothing
else, so the page, the reports and `etl report` say the same. The Jira text in them (service
names) is raw: each place that shows them escapes it."""
from __future__ import annotations

import math
from datetime import datetime

import pandas as pd

from followthrough.style import counted, duration_days, number, percent


def sentences(now: pd.Series, before: pd.Series, services: pd.DataFrame, stalled: pd.DataFrame, quarter,
              as_of: datetime) -> list[str]:
    """The biggest changes first, then the quarter's incidents, items and repeats, the services
    that keep coming back and the costliest stalled strategic items."""
    end = "at the end of the quarter" if quarter.is_complete else f"on {as_of:%d %b %Y}"
    than = quarter.previous_label
    return [s for s in (
        _biggest_changes(now, before, than), _incidents_sentence(now, before, quarter),
        _resolve_sentence(now, before, than), _items_sentence(now, before, end, than), _close_sentence(now),
        _targets_sentence(now, before, end, than),
        _recurrence_sentence(now, before, than), _top_services_sentence(services),
        _stalled_sentence(now, before, end, than), _costliest_sentence(stalled)) if s]


# What the biggest-changes sentence weighs: the severity mix, time to resolve, items done and dropped.
CHANGES = (("sev1", "SEV-1 incidents", number), ("median_days_to_resolve", "the median time to resolve", duration_days),
           ("items_done", "action items done", number), ("items_dropped", "action items dropped", number))


def _biggest_changes(now, before, than: str) -> str:
    """The two largest relative changes, largest first; nothing when nothing changed."""
    moved = sorted(((abs(now[c] - before[c]) / max(abs(before[c]), 1), name, fmt(before[c]), fmt(now[c]))
                    for c, name, fmt in CHANGES
                    if not _missing(now[c]) and not _missing(before[c]) and fmt(now[c]) != fmt(before[c])),
                   reverse=True)[:2]
    if not moved:
        return ""
    said = [f"{name}{' went' if i == 0 else ''} from {was} to {is_}" for i, (_, name, was, is_) in enumerate(moved)]
    return f"What changed most against {than}: {' and '.join(said)}."


def _costliest_sentence(stalled: pd.DataFrame) -> str:
    if stalled.empty:
        return ""
    top = [f"{r.issue_key} ({r.owner}, {'no team' if pd.isna(r.team) else r.team}): {counted(r.days_without_status_change, 'day')} "
           f"without movement, {counted(r.incidents_since, 'incident')} on its service since it was filed, "
           f"cost of delay {number(r.cost_of_delay)}{', no risk stated' if r.missing_risk else ''}"
           for r in stalled.head(3).itertuples()]
    lead = "The costliest stalled strategic item" if len(top) == 1 else "The costliest stalled strategic items"
    return f"{lead}: {'; '.join(top)}."


def _incidents_sentence(now, before, quarter) -> str:
    sev1 = f"{number(now['sev1'])} SEV-1" if now["sev1"] else "no SEV-1"
    return (f"{counted(now['incidents'], 'incident')} ({sev1}) in {quarter.shown_label}, "
            f"{_compare(now['incidents'], before['incidents'], number, quarter.previous_label)}.")


def _resolve_sentence(now, before, than: str) -> str:
    if now["incidents"] == 0:
        return ""
    pending = (f" {counted(now['unresolved_incidents'], 'incident')} {_is(now['unresolved_incidents'])} not resolved "
               "yet and counted as still open." if now["unresolved_incidents"] else "")
    if _missing(now["median_days_to_resolve"]):
        return f"More than half of these incidents are not resolved yet, so there is no median time to resolve.{pending}"
    p80 = ("" if _missing(now["p80_days_to_resolve"])
           else f"; 80% within {duration_days(now['p80_days_to_resolve'])}")
    return (f"Median time to resolve {duration_days(now['median_days_to_resolve'])}, "
            f"{_compare(now['median_days_to_resolve'], before['median_days_to_resolve'], duration_days, than)}"
            f"{p80}.{pending}")


def _items_sentence(now, before, end: str, than: str) -> str:
    if now["items_filed"] == 0:
        return f"No action items were filed, {_compare(0, before['items_filed'], number, than)}."

    def compared(column: str) -> str:
        return _compare(now[column], before[column], number, than)
    return (f"{counted(now['items_filed'], 'action item')} filed; {end} {number(now['items_done'])} "
            f"{_were(now['items_done'])} done ({compared('items_done')}), {number(now['items_dropped'])} dropped, "
            f"{number(now['items_open'])} open ({compared('items_open')}) and {number(now['items_overdue'])} "
            f"overdue ({compared('items_overdue')}).")


def _close_sentence(now) -> str:
    if now["items_filed"] == 0:
        return ""
    median = ("the median time to done is " + duration_days(now["median_days_to_done"])
              if not _missing(now["median_days_to_done"])
              else "fewer than half are done, so there is no median time to done yet")
    within = [f"{percent(now[f'done_within_{d}'])} within {d} days"
              for d in (30, 90) if not _missing(now[f"done_within_{d}"])]
    if not within:
        return f"No action item filed in the quarter has been followed for 30 days yet; {median}."
    return f"Of the action items filed in the quarter, {' and '.join(within)} were done; {median}."


def _targets_sentence(now, before, end: str, than: str) -> str:
    if now["items_filed"] == 0:
        return ""
    past = (f"{counted(now['items_past_target'], 'item')} {_were(now['items_past_target'])} open past their target"
            if now["items_past_target"] else "none was open past its target")
    if _missing(now["target_attainment"]):
        return (f"No action item filed in the quarter had been done or passed its target {end}, so there is "
                f"no target attainment yet; {past}.")
    strategic = ("" if _missing(now["strategic_target_attainment"])
                 else f" (strategic items {percent(now['strategic_target_attainment'])})")
    return (f"Of the action items decided {end} (done, or open past their target), "
            f"{percent(now['target_attainment'])}{strategic} were done by their target, "
            f"{_compare(now['target_attainment'], before['target_attainment'], percent, than)}; {past}.")


def _stalled_sentence(now, before, end: str, than: str) -> str:
    if now["items_filed"] == 0:
        return ""
    stalled_now = now["strategic_stalled"]
    return (f"{counted(stalled_now, 'strategic item')} filed in the quarter {_were(stalled_now)} stalled {end}, "
            f"{_compare(stalled_now, before['strategic_stalled'], number, than)}.")


def _recurrence_sentence(now, before, than: str) -> str:
    if now["incidents"] == 0:
        return ""
    while_open = ("" if not now["recurrences"] else
                  f" {number(now['repeats_while_open'])} of them ({percent(now['share_repeats_while_open'])}) "
                  f"came back while fixes for an earlier incident were still open.")
    return (f"{number(now['recurrences'])} of the {counted(now['incidents'], 'incident')} "
            f"({percent(now['recurrence_rate'])}) repeated an earlier one, "
            f"{_compare(now['recurrence_rate'], before['recurrence_rate'], percent, than)}.{while_open}")


def _top_services_sentence(services: pd.DataFrame) -> str:
    if services.empty:
        return ""
    top = [f"{r.service} ({counted(r.repeats, 'repeat')}, {number(r.repeats_while_items_open)} while its "
           f"earlier items were open)" for r in services.head(3).itertuples()]
    return f"The services that came back most: {', '.join(top)}."


def _compare(now, before, fmt, than: str) -> str:
    if _missing(before):
        return f"with no figure for {than} to compare"
    if _missing(now):
        return f"against {fmt(before)} in {than}"
    if now == before:
        return f"the same as in {than}"
    return f"{'up' if now > before else 'down'} from {fmt(before)} in {than}"


def _were(value) -> str:
    return "was" if value == 1 else "were"


def _is(value) -> str:
    return "is" if value == 1 else "are"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


