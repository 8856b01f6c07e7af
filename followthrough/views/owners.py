"""Owners and teams: what each owes at the period's end, each figure opening its items, and the
incidents that needed a post-mortem and got no action item."""
from __future__ import annotations

import streamlit as st

from followthrough.db import query
from followthrough.filters import Filters
from followthrough.openings import OWNER_FIGURE
from followthrough.style import counted
from followthrough.text import plain
from followthrough.views import DATETIME, ROW_LIMIT, Width, capped_table, issue_link, nothing_to_show, table

DATE = "D MMM YYYY"
# Each figure of the owner and team tables: its column, title and help.
FIGURES = {
    "open": ("Open", "Open at the period's end."),
    "overdue": ("Overdue", "Open and past its due date."),
    "breached": ("Past target", "Open and past its follow-up target ([targets])."),
    "near_target": ("Near target", "Open, its target a few days away ([targets].near_days)."),
    "stalled": ("Stalled", "Open with no status change for longer than its class's threshold, or never started."),
    "strategic_stalled": ("Strategic stalled", "Stalled strategic items."),
    "not_handed_over": ("Not handed over", "Strategic items still with the incident's assignee, or with nobody."),
    "stalled_cost_incidents": ("Incidents while stalled",
                               "Incidents on the services of their stalled items since those were filed, each once."),
}

# Wider where the title is longer; with the name they fill the main pane.
WIDTHS = {"strategic_stalled": 105, "not_handed_over": 115, "stalled_cost_incidents": 140}


def accountability(filters: Filters, per: str) -> bool:
    """The table per owner or team and the items behind a chosen figure; False when there is none."""
    noun = {"owner": "Owner", "team": "Team"}[per]
    st.subheader(f"By {per}")
    rows = query("owners_figures", per=per, **filters.params())
    if rows.empty:
        nothing_to_show(f"No {per} had an open action item at the end of this period with these filters.")
        return False
    table(rows, {"accountable": st.column_config.TextColumn(noun, width=Width.NAME - 10),
                 **{column: st.column_config.NumberColumn(title, help=help, width=WIDTHS.get(column, Width.SHORT))
                    for column, (title, help) in FIGURES.items()}})
    by_name = rows.set_index("accountable")
    left, right = st.columns(2)
    who = left.selectbox(f"Open the items of {per}", list(by_name.index), key=f"owners_{per}")
    figure = right.selectbox("Figure", list(FIGURES), index=list(FIGURES).index(OWNER_FIGURE),
                             key=f"owners_{per}_figure",
                             format_func=lambda c: f"{FIGURES[c][0]} ({by_name.at[who, c]:,})")
    if figure == "stalled_cost_incidents":
        _incidents(filters, per, who)
    else:
        _items(filters, per, who, figure)
    return True


def _items(filters: Filters, per: str, who: str, figure: str) -> None:
    rows = query("owners_items", per=per, who=who, figure=figure, limit=ROW_LIMIT, **filters.params())
    if rows.empty:
        st.info(f"{plain(who)} has no such items.")
        return
    capped_table(rows, {
        "url": issue_link("Item"),
        "summary": "Summary",
        "class": st.column_config.TextColumn("Class", width=Width.SHORT),
        "status": st.column_config.TextColumn("Status now", width=Width.STATUS),
        "target_at": st.column_config.DatetimeColumn("Target (UTC)", format=DATE, width=Width.DATE),
        "due_date": st.column_config.DateColumn("Due", format=DATE, width=Width.DATE),
        "due_date_slips": st.column_config.NumberColumn("Due moved", width=Width.SHORT,
                                                        help="How often its due date was moved later."),
        "why_stalled": st.column_config.TextColumn("Why stalled", width=Width.NAME),
    }, what="items", order="oldest first (by filing)")


def _incidents(filters: Filters, per: str, who: str) -> None:
    rows = query("owners_incidents", per=per, who=who, limit=ROW_LIMIT, **filters.params())
    if rows.empty:
        st.info(f"No incidents on the services of {plain(who)}'s stalled items since they were filed.")
        return
    capped_table(rows, {
        "url": issue_link("Incident"),
        "summary": "Summary",
        "severity": st.column_config.TextColumn("Severity", width=Width.SHORT),
        "service": st.column_config.TextColumn("Service", width=Width.NAME),
        "created_at": st.column_config.DatetimeColumn("Opened (UTC)", format=DATETIME, width=Width.DATETIME),
        "waiting_items": st.column_config.TextColumn("Stalled items waiting", width=Width.NAME),
    }, what="incidents", order="newest first")


def postmortem_gaps(filters: Filters) -> None:
    st.subheader("Post-mortem gaps")
    rows = query("targets_postmortem_gaps", limit=ROW_LIMIT, **filters.params())
    if rows.empty:
        st.info("Every incident of this period that needed a post-mortem has at least one action item.")
        return
    total = int(rows["total_rows"].iloc[0])
    st.caption(f"{counted(total, 'incident')} of the severities in [postmortem].severities, resolved more than "
               "[postmortem].days before the period's end, with no action item filed by then.")
    capped_table(rows, {
        "url": issue_link("Incident"),
        "summary": "Summary",
        "severity": st.column_config.TextColumn("Severity", width=Width.SHORT),
        "service": st.column_config.TextColumn("Service", width=Width.NAME),
        "team": st.column_config.TextColumn("Team", width=Width.SHORT),
        "resolved_at": st.column_config.DatetimeColumn("Resolved (UTC)", format=DATE, width=Width.DATE),
        "days_since_resolved": st.column_config.NumberColumn("Days since", width=Width.SHORT),
    }, what="incidents", order="longest since resolved first")
