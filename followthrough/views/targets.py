"""Follow-up targets: attainment by class and severity, what is past or near its target and whose
it is, and what a leader must weigh about the strategic items (risk, slipped deadlines, hand-over,
cost of delay). Shown on Overview, Follow-through and Strategic stalls."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from followthrough.db import query
from followthrough.filters import Filters
from followthrough.style import counted, number, percent
from followthrough.views import ROW_LIMIT, Width, capped_table, issue_link, table

DATE = "D MMM YYYY"
# The attainment table's counts, narrow enough for all ten columns to fit the main pane.
NARROW = Width.NAMED["small"]
ATTAINMENT_HELP = ("Items done by their target, of the items decided: done, or open past their target. An open "
                   "item whose target is still ahead is not counted either way.")


# Follow-through and the quarterly review's pack show attainment by class and severity with these.
ATTAINMENT_COLUMNS = {
    "group": st.column_config.TextColumn("Class and severity", width=Width.NAME),
    "items": st.column_config.NumberColumn("Items", width=NARROW),
    "decided": st.column_config.NumberColumn("Decided", width=NARROW, help="Done, or open past their target."),
    "met": st.column_config.NumberColumn("Met", width=NARROW, help="Done by their target."),
    "missed": st.column_config.NumberColumn("Missed", width=NARROW, help="Done after their target, or open past it."),
    "attainment": st.column_config.NumberColumn("Attainment", format="percent", width=Width.NUMBER,
                                                help=ATTAINMENT_HELP),
    "breached": st.column_config.NumberColumn("Past target", width=NARROW,
                                              help="Open at the period's end, target passed."),
    "near_target": st.column_config.NumberColumn("Near target", width=NARROW),
    "dropped": st.column_config.NumberColumn("Dropped", width=NARROW,
                                             help="Closed as dropped ([action_items].dropped_resolutions): "
                                                  "a decision, neither met nor missed."),
    "without_target": st.column_config.NumberColumn(
        "No target", width=NARROW, help="Their incident has no severity, so [targets] sets none."),
}


def _attainment(filters: Filters) -> pd.DataFrame:
    return query("targets_attainment", **filters.params())


def overview(filters: Filters) -> None:
    """Attainment overall and per class, and how many items are past or near their target."""
    rows = _attainment(filters)
    total = rows[rows["total_level"] == 2].iloc[0] if len(rows) else None
    if total is None or not total["items"]:
        return
    st.subheader("Follow-up targets")
    by_class = rows[rows["total_level"] == 1].set_index("class")
    cols = st.columns(5)
    cols[0].metric("Target attainment", percent(total["attainment"]) if pd.notna(total["attainment"]) else "–",
                   help=f"{ATTAINMENT_HELP} {counted(total['decided'], 'item')} decided so far.")
    for col, cls in zip(cols[1:3], ("strategic", "operational")):
        value = by_class["attainment"].get(cls)
        col.metric(f"{cls.capitalize()} on target", percent(value) if pd.notna(value) else "–",
                   help=f"Target attainment of the {cls} items filed in the period.")
    cols[3].metric("Past target", number(total["breached"]),
                   help="Items open at the period's end whose target had passed. See Follow-through.")
    cols[4].metric("Near target", number(total["near_target"]),
                   help="Items open at the period's end whose target was a few days away ([targets].near_days).")


def follow_through(filters: Filters) -> None:
    st.subheader("Against follow-up targets")
    rows = _attainment(filters)
    if rows.empty:
        st.info("No action item was filed in this period with these filters.")
        return
    table(grouped(rows), ATTAINMENT_COLUMNS)
    st.caption("Targets are days from filing by class and the incident's severity ([targets] in the "
               "configuration); states are taken at the period's end.")
    _items(filters, "breached", "Past target, and whose", "No open item was past its target at the period's end.")
    _items(filters, "near", "Near target", "No open item was near its target at the period's end.")


def grouped(rows: pd.DataFrame) -> pd.DataFrame:
    """marts.target_attainment's rows with the name of the group each counts."""
    return rows.assign(group=[_group(level, cls, severity) for level, cls, severity
                              in zip(rows["total_level"], rows["class"], rows["severity"])])


def _group(level: int, cls: str, severity: str) -> str:
    if level == 2:
        return "All items"
    return f"{cls}, all severities" if level == 1 else f"{cls}, {severity}"


def _items(filters: Filters, which: str, title: str, empty: str) -> None:
    st.markdown(f"**{title}**")
    rows = query("targets_items", which=which, limit=ROW_LIMIT, **filters.params())
    if rows.empty:
        st.info(empty)
        return
    days = (("days_past_target", "Days past", "Whole days past its target at the period's end.")
            if which == "breached" else ("days_to_target", "Days left", "Days to its target from the period's end."))
    capped_table(rows, {
        "url": issue_link("Item"),
        "summary": "Summary",
        "owned_by": st.column_config.TextColumn("Owner", width=Width.NAME),
        days[0]: st.column_config.NumberColumn(days[1], help=days[2], width=Width.SHORT),
        "target_at": st.column_config.DatetimeColumn("Target (UTC)", format=DATE, width=Width.DATE),
        "severity": st.column_config.TextColumn("Severity", width=Width.SHORT),
        "team": st.column_config.TextColumn("Team", width=Width.SHORT),
        "status": st.column_config.TextColumn("Status now", width=Width.STATUS),
    }, what="items", order="longest past target first" if which == "breached" else "nearest target first")


def stalls(filters: Filters) -> None:
    """Strategic items a leader must weigh, with their risk and cost of delay, and the totals."""
    st.subheader("Risk, deadlines, hand-over and cost of delay")
    rows = query("targets_stalls", limit=ROW_LIMIT, **filters.params())
    if rows.empty:
        st.info("No open strategic item of this period is stalled, lacks a risk statement, has slipped twice or "
                "is waiting to be handed over.")
        return
    totals = {level: query("targets_delay_totals", level=level, **filters.params()) for level in ("service", "team")}
    measure = next((t["cost_measure"].iloc[0] for t in totals.values() if len(t)), "severity-weighted incidents")
    capped_table(rows, {
        "url": issue_link("Item"),
        "summary": "Summary",
        "risk": st.column_config.TextColumn("Risk", width=Width.NAMED["medium"],
                                            help="What the item says happens if it is not done ([risk])."),
        "delay_cost": st.column_config.NumberColumn(
            "Cost of delay", format="%.0f", width=Width.NUMBER,
            help=f"{measure.capitalize()} on its service since it was filed, while it stalled."),
        "stalled": st.column_config.CheckboxColumn("Stalled", width=Width.SHORT),
        "missing_risk": st.column_config.CheckboxColumn("No risk stated", width=Width.SHORT),
        "slipped_twice": st.column_config.CheckboxColumn(
            "Slipped twice", width=Width.SHORT, help="Its due date was moved later two or more times."),
        "days_slipped": st.column_config.NumberColumn("Days slipped", width=Width.SHORT,
                                                      help="All the days its due date was moved later."),
        "not_handed_over": st.column_config.CheckboxColumn(
            "Not handed over", width=Width.SHORT,
            help="Still with the incident's assignee, or with nobody ([handover].days after filing)."),
        "owned_by": st.column_config.TextColumn("Owner", width=Width.NAME),
        "team": st.column_config.TextColumn("Team", width=Width.SHORT),
    }, what="strategic items", order="costliest delay first")
    st.markdown(f"**Cost of delay by service and team**, in {measure}")
    for (level, rows_), column in zip(totals.items(), st.columns(2)):
        with column:
            _totals(level, rows_, measure)


def _totals(level: str, rows: pd.DataFrame, measure: str) -> None:
    # Two tables side by side: the counts get narrow columns, their titles say the rest in help.
    narrow = Width.NAMED["small"]
    table(rows, {
        "name": st.column_config.TextColumn(level.capitalize(), width=Width.NAME),
        "stalled_items": st.column_config.NumberColumn("Stalled", width=narrow, help="Stalled strategic items."),
        "incidents": st.column_config.NumberColumn("Incidents", width=narrow,
                                                   help="Each counted once, however many items waited through it."),
        "cost": st.column_config.NumberColumn("Cost", format="%.0f", width=narrow, help=measure),
        "incidents_without_cost": st.column_config.NumberColumn(
            "No impact", width=narrow, help="Incidents that record no impact, where impact is weighed."),
    })

