"""Incident explorer: find incidents, then follow one through its status changes, its action items,
and the incidents it repeated or that repeated it."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
import streamlit as st

from followthrough import incident_update
from followthrough.db import query
from followthrough.export import web_url
from followthrough.filters import Filters
from followthrough.openings import EXPLORER_STATUS
from followthrough.style import duration_days
from followthrough.text import plain
from followthrough.views import (DATETIME, DAYS_TO_RESOLVE, ROW_LIMIT, Width, capped_table, incident_columns,
                                 issue_link, table)

STATUSES = {"all": "All", "open": "Open", "resolved": "Resolved"}
SCOPES = {"selection": "The sidebar's period and filters", "all": "All incidents"}


def search(filters: Filters) -> pd.DataFrame:
    """The search box, and the incidents it finds in the sidebar's selection or among all incidents:
    the table shows the first ROW_LIMIT, the picker below offers them all (returned here, newest
    first: issue_key, has_action_items). The search is kept in the URL as ?q=, the scope as ?in=all."""
    if "explorer_text" not in st.session_state:
        st.session_state.explorer_text = st.query_params.get("q", "")
        st.session_state.explorer_scope = "all" if st.query_params.get("in") == "all" else "selection"
    text_col, status_col = st.columns([3, 1])
    text = text_col.text_input("Search", key="explorer_text", help="Matches the key or the summary, in any case.",
                               placeholder="A key such as OPS-12, or words from the summary")
    status = status_col.radio("Status", list(STATUSES), index=list(STATUSES).index(EXPLORER_STATUS),
                              format_func=STATUSES.get, horizontal=True, key="explorer_status")
    scope = st.radio("Look in", list(SCOPES), format_func=SCOPES.get, horizontal=True, key="explorer_scope",
                     help="All incidents: every one in the published data, whatever the sidebar says.")
    _keep_in_url("q", text.strip())
    _keep_in_url("in", "all" if scope == "all" else "")
    within = filters if scope == "selection" else everything(filters)
    search = {**within.params(), "text": text.strip(), "status": status}
    found = query("explorer_picker", **search)
    if found.empty:
        st.info("No incident matches. Clear the search, choose another status, look in all incidents, or "
                "widen the period and filters in the sidebar.")
        return found
    capped_table(query("explorer_search", **search, limit=ROW_LIMIT), incident_columns(
        days_to_resolve=DAYS_TO_RESOLVE,
        action_items=st.column_config.NumberColumn("Action items", width=Width.SHORT),
        open_action_items=st.column_config.NumberColumn("Open items", help="Open at the as-of time.",
                                                        width=Width.SHORT),
    ), what="matching incidents", order="newest first; the picker below offers every one")
    return found


def everything(filters: Filters) -> Filters:
    """Every incident ever filed, whatever the sidebar's period and filters."""
    return replace(filters, start=date(1, 1, 1), end=filters.as_of.date(), severity=(), service=(), team=())


def incident(found: pd.DataFrame, filters: Filters) -> str | None:
    """The chosen incident, kept in the URL as ?incident=OPS-12 so a link opens it: a linked
    incident opens whatever the search and the sidebar's period. Returns its key, None if none."""
    keys = found["issue_key"].tolist()
    in_url = st.query_params.get("incident")
    # The page keeps its own choice in the URL too; that is the last choice, not a link, and a new
    # search replaces it.
    linked = in_url if in_url != st.session_state.get("explorer_incident") else None
    if linked and linked not in keys:
        if query("explorer_incident", key=linked).empty:
            st.warning(f"The link asks for {plain(linked)}, which is no incident in the published data.")
        else:
            keys.insert(0, linked)
            st.caption(f"{plain(linked)}, which the link opens, is not among the incidents found; the picker "
                       "offers it first.")
    if not keys:
        return None
    # The newest incident is often still being worked on and has nothing filed yet; the newest with
    # action items shows what the page is for.
    with_items = found.loc[found["has_action_items"], "issue_key"].tolist()
    if st.session_state.get("explorer_incident") not in keys:
        st.session_state.explorer_incident = linked if linked in keys else (with_items or keys)[0]
    key = st.selectbox("Incident to look at", keys, key="explorer_incident", help="Any of the incidents found above.")
    _keep_in_url("incident", key)
    item = st.query_params.get("item")
    if item and key == in_url:
        st.caption(f"Opened from action item {plain(item)}, filed for this incident.")
    else:
        st.query_params.pop("item", None)
        st.caption("The page opens on the newest incident found that has action items; choose any other above."
                   if with_items else "None of the incidents found has action items, so the page opens on the newest.")
    _header(query("explorer_incident", key=key).iloc[0])
    _update_downloads(key, filters.as_of)
    _timeline(key)
    _action_items(key)
    _recurrences(key)
    return key


def _keep_in_url(name: str, value: str) -> None:
    if value:
        st.query_params[name] = value
    else:
        st.query_params.pop(name, None)


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


def _update_downloads(key: str, as_of) -> None:
    """Its follow-up update, for the executives who asked for one: `python -m etl report --incident`
    writes the same files."""
    update = incident_update.gather(key, as_of)
    st.caption("Its follow-up update, to send as it is: its action items done, dropped and open, what is late or "
               "stalled, and whether it has come back. `python -m etl report --incident` writes the same files.")
    buttons = (("Update as Markdown", ".md", ":material/description:", "For an email or a wiki."),
               ("Update as HTML", ".html", ":material/web:", "One file that opens offline."),
               ("Update's tables as CSV (zip)", ".zip", ":material/table:", None))
    for column, (label, suffix, icon, help_) in zip(st.columns(3), buttons):
        column.download_button(label, file_name=incident_update.title(update) + suffix,
                               mime=incident_update.MIMES[suffix], on_click="ignore", icon=icon, help=help_,
                               data=lambda suffix=suffix: incident_update.build(update, suffix))


def _timeline(key: str) -> None:
    st.markdown("**Timeline**")
    rows = query("explorer_timeline", key=key)
    rows["since_created"] = rows["days_since_created"].map(duration_days)
    table(rows, {
        "at": st.column_config.DatetimeColumn("When (UTC)", format=DATETIME, width=Width.DATETIME),
        "event": st.column_config.TextColumn("Event", width=Width.STATUS),
        "from_status": st.column_config.TextColumn("From", width=Width.STATUS),
        "to_status": st.column_config.TextColumn("To", width=Width.STATUS),
        "author": st.column_config.TextColumn("By", width=Width.NAME),
        "since_created": st.column_config.TextColumn("Since opened", width=Width.NUMBER,
                                                     help="Hours under two days, days after that."),
    })


def _action_items(key: str) -> None:
    st.markdown("**Action items**, as they stand at the as-of time")
    rows = query("explorer_action_items", key=key)
    if rows.empty:
        st.info("No action item is tied to this incident. If its post-mortem filed some, the Data health "
                "page shows how items are tied to incidents.")
        return
    table(rows, {
        "url": issue_link("Item", to_jira=True),
        "summary": "Summary",
        "state": st.column_config.TextColumn("State", width=Width.SHORT),
        "class": st.column_config.TextColumn("Class", width=Width.SHORT),
        "owner": st.column_config.TextColumn("Owner", width=Width.NAME),
        "status": st.column_config.TextColumn("Status", width=Width.STATUS),
        "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY", width=Width.DATE),
        "is_overdue": st.column_config.CheckboxColumn("Overdue", width=Width.SHORT),
        "is_stalled": st.column_config.CheckboxColumn("Stalled", width=Width.SHORT),
        "stall_reason": st.column_config.TextColumn("Why stalled", width=Width.STATUS),
        "days_open": st.column_config.NumberColumn("Days open", format="%.0f", width=Width.SHORT),
        "created_at": st.column_config.DatetimeColumn("Filed (UTC)", format=DATETIME, width=Width.DATETIME),
        "closed_at": st.column_config.DatetimeColumn("Closed (UTC)", format=DATETIME, width=Width.DATETIME),
    })


def _recurrences(key: str) -> None:
    st.markdown("**Recurrences**")
    rows = query("explorer_recurrences", key=key)
    if rows.empty:
        st.info("No incident came back after this one within the recurrence window, and it came after none.")
        return
    table(rows, {
        "relation": st.column_config.TextColumn("Relation", width=Width.STATUS + 10),
        "url": issue_link("Incident"),
        "summary": "Summary",
        "created_at": st.column_config.DatetimeColumn("Opened (UTC)", format=DATETIME, width=Width.DATETIME),
        "evidence": st.column_config.TextColumn("Evidence", width=Width.STATUS),
        "counts_as_repeat": st.column_config.CheckboxColumn(
            "A repeat", width=Width.SHORT, help="Evidence that counts as a repeat; without it, only the same service."),
        "days_between": st.column_config.NumberColumn("Days apart", format="%.1f", width=Width.SHORT),
        "earlier_items_open_then": st.column_config.NumberColumn(
            "Earlier items open", width=Width.NUMBER + 20,
            help="Action items of the earlier incident still open when it came back."),
    })


def _text(value, missing: str) -> str:
    return missing if pd.isna(value) else str(value)
