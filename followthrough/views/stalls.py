"""Strategic stalls: the long-term fixes that stopped moving, where their time goes, what waiting costs."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import streamlit as st

from followthrough.db import query
from followthrough.filters import Filters
from followthrough.style import CLASS_COLORS, count_ticks, counted, layout, number
from followthrough.text import plain
from followthrough.views import (DATETIME, ROW_LIMIT, Width, cached_figure, capped_table, chart, chart_text, first_row,
                                  issue_link, nothing_to_show, table)

# Jira's status categories as its boards name them (done statuses are left out of the time).
CATEGORY_LABELS = {"new": "To do", "indeterminate": "In progress", "unknown": "No category"}
CATEGORY_COLORS = {"To do": "#969696", "In progress": CLASS_COLORS["strategic"], "No category": "#d9d9d9"}
DATE = "D MMM YYYY"


def summary(filters: Filters) -> int | None:
    """Headline counts; returns how many strategic items were open at the end, None if none were filed."""
    figures = first_row(query("stalls_summary", **filters.params()))
    if not figures["items"]:
        nothing_to_show("No strategic action items were filed in this period with these filters.")
        return None
    threshold = counted(figures["threshold_days"], "day")
    cols = st.columns(4)
    cols[0].metric("Open at period end", number(figures["open_items"]),
                   help=f"Strategic items filed in the period and still open at its end "
                        f"(of {figures['items']:,} filed).")
    cols[1].metric("Stalled", number(figures["stalled"]),
                   help=f"Open strategic items with no status change for more than {threshold} at the "
                        "period's end, or never started and older than that.")
    cols[2].metric("Never started", number(figures["never_started"]),
                   help="Stalled items that never left a to-do status.")
    cols[3].metric("Without an owner", number(figures["unowned"]),
                   help="Open strategic items nobody was assigned to at the time of the data.")
    return int(figures["open_items"])


def stalled(filters: Filters) -> None:
    st.subheader("Stalled at period end")
    rows = query("stalls_items", limit=ROW_LIMIT, **filters.params())
    if rows.empty:
        st.info("No strategic item filed in this period was stalled at its end.")
        return
    capped_table(rows, {
        "url": issue_link("Item"),
        "summary": "Summary",
        # Whose it is and what it costs first: at a 1400-pixel window the columns after them scroll.
        "owner": st.column_config.TextColumn("Owner", width=Width.NAME),
        "team": st.column_config.TextColumn("Team", width=Width.SHORT),
        "days_without_movement": st.column_config.NumberColumn(
            "Days unchanged", width=Width.NUMBER,
            help="Days without movement: whole days since its last status change (or since it was filed) at "
                 "the period's end."),
        # Its title is some 115 px in the grid's 14 px font, more than a NUMBER column leaves it.
        "incidents_while_open": st.column_config.NumberColumn(
            "Incidents since filed", width=Width.NUMBER + 25,
            help="Incidents on its service since it was filed, up to its close or the as-of time: its cost "
                 "of delay."),
        "created_at": st.column_config.DatetimeColumn("Filed (UTC)", format=DATE, width=Width.DATE),
        "status": st.column_config.TextColumn("Status", width=Width.STATUS),
        "stall_reason": st.column_config.TextColumn("Why stalled", width=Width.NAME),
        "service": st.column_config.TextColumn("Service", width=Width.NAME),
    }, what="stalled items", order="longest without movement first, then most incidents since filed")
    _cost_of_delay(rows)


def _cost_of_delay(stalled_items: pd.DataFrame) -> None:
    st.markdown("**Cost of delay**: the incidents its service had while it waited")
    cost = dict(zip(stalled_items["issue_key"], stalled_items["incidents_while_open"]))
    key = st.selectbox("Stalled item", list(cost), key="stalls_item",
                       format_func=lambda k: f"{k}: {counted(cost[k], 'incident')} since filed")
    incidents = query("stalls_item_incidents", item_key=key, limit=ROW_LIMIT)
    if incidents.empty:
        st.info(f"No incidents on its service since {plain(key)} was filed.")
        return
    capped_table(incidents, {
        "url": issue_link("Incident"),
        "summary": "Summary",
        "severity": st.column_config.TextColumn("Severity", width=Width.SHORT),
        "created_at": st.column_config.DatetimeColumn("Opened (UTC)", format=DATETIME,
                                                      width=Width.DATETIME),
        "hours_to_resolve": st.column_config.NumberColumn("Hours to resolve", format="%.1f", width=Width.NUMBER),
    }, what="incidents", order="newest first")


def status_time(filters: Filters) -> None:
    st.subheader("Where the time goes")
    rows = query("stalls_status_time", **filters.params())
    if rows.empty:
        st.info("No status history for the strategic items of this period.")
        return
    rows["category"] = rows["status_category"].map(lambda c: CATEGORY_LABELS.get(c, c))
    chart(_status_time_chart(rows))
    st.caption("Strategic items filed in the period, each status up to when it was left or the as-of time; "
               "time in done statuses is left out.")
    with st.expander("Days by status"):
        table(rows, {
            "status": st.column_config.TextColumn("Status", width=Width.NAME),
            "category": st.column_config.TextColumn("Category", width=Width.STATUS),
            "items": st.column_config.NumberColumn("Items", help="Items that spent time in this status."),
            "total_days": st.column_config.NumberColumn("Days in all", format="%.0f"),
            "median_days": st.column_config.NumberColumn(
                "Median days per item", format="%.1f", help="Among the items that were in this status."),
        })


@cached_figure
def _status_time_chart(rows: pd.DataFrame):
    hover = [f"{counted(round(r.total_days), 'day')} in all<br>median {number(r.median_days, 1)} days per item "
             f"that was in it ({counted(r.items, 'item')})" for r in rows.itertuples()]
    fig = px.bar(rows.assign(status=chart_text(rows["status"]), hover=hover), x="total_days", y="status",
                 orientation="h", color="category", color_discrete_map=CATEGORY_COLORS, custom_data=["hover"],
                 category_orders={"category": list(CATEGORY_COLORS)})
    fig.update_traces(hovertemplate="%{y}: %{customdata[0]}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    return layout(fig, x_title="days in status, all strategic items together", y_title="",
                  height=max(220, 60 + 32 * len(rows)))


def aging(filters: Filters) -> None:
    st.subheader("Age of open strategic items")
    rows = query("stalls_aging", **filters.params())
    chart(_aging_chart(rows))
    by_bucket = rows.set_index("bucket")
    bucket = st.selectbox("Show the items aged", list(by_bucket.index), key="stalls_bucket",
                          format_func=lambda b: f"{b} ({counted(by_bucket.at[b, 'items'], 'item')})")
    chosen = by_bucket.loc[bucket]
    items = query("stalls_aging_items", limit=ROW_LIMIT, low=int(chosen["low"]),
                  high=None if pd.isna(chosen["high"]) else int(chosen["high"]), **filters.params())
    if items.empty:
        st.info(f"No open strategic item was {bucket} old at the period's end.")
        return
    capped_table(items, _open_item_columns(), what="items", order="oldest first")


@cached_figure
def _aging_chart(rows: pd.DataFrame):
    # Every bucket keeps its bar, an empty one labelled 0, so periods compare at a glance.
    fig = px.bar(rows.assign(hover=rows["items"].map(lambda n: counted(n, "open item"))), x="bucket", y="items",
                 custom_data=["hover"])
    fig.update_traces(marker_color=CLASS_COLORS["strategic"], texttemplate="%{y:,d}", textposition="outside",
                      cliponaxis=False, hovertemplate="%{x}: %{customdata[0]}<extra></extra>")
    fig.update_yaxes(rangemode="tozero", **count_ticks(rows["items"].max()))
    return layout(fig, x_title="age at period end", y_title="open strategic items")


def unowned(filters: Filters) -> None:
    st.subheader("Open without an owner")
    rows = query("stalls_unowned", limit=ROW_LIMIT, **filters.params())
    if rows.empty:
        st.info("Every open strategic item of this period has an owner.")
        return
    columns = _open_item_columns()
    del columns["owner"]
    capped_table(rows, columns, what="items without an owner", order="oldest first")


def _open_item_columns() -> dict:
    return {
        "url": issue_link("Item"),
        "summary": "Summary",
        "owner": st.column_config.TextColumn("Owner", width=Width.NAME),
        "team": st.column_config.TextColumn("Team", width=Width.SHORT),
        "days_open": st.column_config.NumberColumn("Days open", help="Whole days open at the period's end.",
                                                   width=Width.SHORT),
        "status": st.column_config.TextColumn("Status", width=Width.STATUS),
        "service": st.column_config.TextColumn("Service", width=Width.NAME),
        "created_at": st.column_config.DatetimeColumn("Filed (UTC)", format=DATE, width=Width.DATE),
        "is_stalled": st.column_config.CheckboxColumn("Stalled", width=Width.SHORT),
    }
