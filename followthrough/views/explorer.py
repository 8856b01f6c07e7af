"""Incident explorer: find incidents, then follow one through its status changes, its action items,
and the incidents it repeated or that repeated it."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from followthrough.db import query
from followthrough.export import web_url
from followthrough.filters import Filters
from followthrough.style import duration_days
from followthrough.text import plain
from followthrough.views import ROW_LIMIT, capped_table, issue_link

STATUSES = {"all": "All", "open": "Open", "resolved": "Resolved"}
DATETIME = "D MMM YYYY, HH:mm"


def search(filters: Filters) -> pd.DataFrame | None:
    """The search box and the incidents it finds; None when nothing matches."""
    text_col, status_col = st.columns([3, 1])
    text = text_col.text_input("Search", key="explorer_text", help="Matches the key or the summary, in any case.",
                               placeholder="A key such as OPS-12, or words from the summary")
    status = status_col.radio("Status", list(STATUSES), format_func=STATUSES.get, horizontal=True,
                              key="explorer_status")
    rows = query("explorer_search", **filters.params(), text=text.strip(), status=status, limit=ROW_LIMIT)
    if rows.empty:
        st.info("No incident matches. Clear the search, choose another status, or widen the period and "
                "filters in the sidebar.")
        return None
    capped_table(rows, {
        "url": issue_link("Incident"),
        "summary": "Summary",
        "severity": "Severity",
        "service": "Service",
        "team": "Team",
        "status": "Status",
        "created_at": st.column_config.DatetimeColumn("Opened (UTC)", format=DATETIME),
        "days_to_resolve": st.column_config.NumberColumn("Days to resolve", format="%.1f"),
        "action_items": st.column_config.NumberColumn("Action items"),
        "open_action_items": st.column_config.NumberColumn("Open items", help="Open at the as-of time."),
        "repeat_of": st.column_config.TextColumn("Repeat of", help="The earlier incident it repeats."),
    }, what="matching incidents", order="newest first")
    return rows


def incident(found: pd.DataFrame) -> None:
    key = st.selectbox("Incident to look at", found["issue_key"], key="explorer_incident",
                       help="One of the incidents found above.")
    _header(query("explorer_incident", key=key).iloc[0])
    _timeline(key)
    _action_items(key)
    _recurrences(key)


def _header(row: pd.Series) -> None:
    st.subheader(plain(row["issue_key"]))
    st.markdown(plain(_text(row["summary"], "(no summary)")))
    facts = {"Severity": row["severity"], "Service": _text(row["service"], "(none)"),
             "Team": _text(row["team"], "(none)"), "Status": row["status"],
             "Assignee": _text(row["assignee_name"], "no one"),
             "Opened": f"{row['created_at']:%d %b %Y %H:%M} UTC",
             "Time to resolve": duration_days(row["days_to_resolve"]) if pd.notna(row["resolved_at"])
             else "not resolved"}
    st.markdown(" · ".join(f"**{label}:** {plain(value)}" for label, value in facts.items()))
    if web_url(row["url"]):
        st.link_button("Open in Jira", web_url(row["url"]), icon=":material/open_in_new:")


def _timeline(key: str) -> None:
    st.markdown("**Timeline**")
    st.dataframe(query("explorer_timeline", key=key), hide_index=True, column_config={
        "at": st.column_config.DatetimeColumn("When (UTC)", format=DATETIME),
        "event": "Event",
        "from_status": "From",
        "to_status": "To",
        "author": "By",
        "days_since_created": st.column_config.NumberColumn("Days since opened", format="%.2f"),
    })


def _action_items(key: str) -> None:
    st.markdown("**Action items**, as they stand at the as-of time")
    rows = query("explorer_action_items", key=key)
    if rows.empty:
        st.info("No action item is tied to this incident. If its post-mortem filed some, the Data health "
                "page shows how items are tied to incidents.")
        return
    _table(rows, {
        "url": issue_link("Item"),
        "summary": "Summary",
        "state": "State",
        "class": "Class",
        "owner": "Owner",
        "status": "Status",
        "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY"),
        "is_overdue": st.column_config.CheckboxColumn("Overdue"),
        "is_stalled": st.column_config.CheckboxColumn("Stalled"),
        "stall_reason": "Why stalled",
        "days_open": st.column_config.NumberColumn("Days open", format="%.0f"),
        "created_at": st.column_config.DatetimeColumn("Filed (UTC)", format=DATETIME),
        "closed_at": st.column_config.DatetimeColumn("Closed (UTC)", format=DATETIME),
    })


def _recurrences(key: str) -> None:
    st.markdown("**Recurrences**")
    rows = query("explorer_recurrences", key=key)
    if rows.empty:
        st.info("This incident did not repeat an earlier one, and none repeated it within the recurrence window.")
        return
    _table(rows, {
        "relation": "Relation",
        "url": issue_link("Incident"),
        "summary": "Summary",
        "created_at": st.column_config.DatetimeColumn("Opened (UTC)", format=DATETIME),
        "reason": "Why a repeat",
        "days_between": st.column_config.NumberColumn("Days apart", format="%.1f"),
        "earlier_items_open_then": st.column_config.NumberColumn(
            "Earlier items still open", help="Action items of the earlier incident still open when it came back."),
    })


def _table(rows: pd.DataFrame, columns: dict) -> None:
    """One incident's rows: few enough to show them all."""
    st.dataframe(rows, column_order=list(columns), column_config=columns, hide_index=True)


def _text(value, missing: str) -> str:
    return missing if pd.isna(value) else str(value)
