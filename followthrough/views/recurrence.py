"""Recurrence: which services see the same trouble again, and whether the fixes were still open."""
from __future__ import annotations

import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from followthrough.db import query
from followthrough.filters import Filters
from followthrough.style import layout, number, percent
from followthrough.views import ROW_LIMIT, capped_table, chart, chart_text, first_row, issue_link, nothing_to_show

# More bars or heatmap rows than this cannot be read; the table under the chart lists the rest.
CHARTED_SERVICES = 20
REPEAT_HELP = ("A repeat is an incident linked to an earlier one as a repeat, or the next incident on the "
               "same service within the recurrence window (a link wins where both apply).")


def summary(filters: Filters) -> int | None:
    """The period's recurrence figures; returns how many repeats (None when there are no incidents)."""
    figures = first_row(query("recurrence_summary", **filters.params()))
    if not figures["incidents"]:
        nothing_to_show("No incidents were filed in this period with these filters, so nothing can recur.")
        return None
    cols = st.columns(4)
    cols[0].metric("Repeats", number(figures["recurrences"]), help=REPEAT_HELP)
    cols[1].metric("Recurrence rate", percent(figures["recurrence_rate"]),
                   help=f"Repeats among the period's {figures['incidents']:,} incidents.")
    cols[2].metric("Linked as a repeat", number(figures["linked"]),
                   help="Repeats someone linked to the earlier incident in Jira; the rest are by service.")
    cols[3].metric("Came back while its fixes were open", percent(figures["share_while_open"]),
                   help="Share of repeats that arrived while action items of the earlier incident were "
                        f"still open ({number(figures['while_open'])} repeats).")
    if not figures["recurrences"]:
        st.info("No incident in this period repeats an earlier one.")
    return int(figures["recurrences"])


def by_service(filters: Filters) -> list[str]:
    """The rate per service for the services with the most repeats; returns the services charted."""
    st.subheader("Recurrence rate by service")
    rows = query("recurrence_by_service", limit=ROW_LIMIT, **filters.params())
    charted = rows.head(CHARTED_SERVICES)
    fig = px.bar(charted.assign(service=chart_text(charted["service"])), x="recurrence_rate", y="service",
                 orientation="h", custom_data=["incidents", "recurrences", "while_open"])
    fig.update_traces(marker_color="#b2182b", hovertemplate=(
        "%{y}: %{x:.0%} of incidents were repeats<br>%{customdata[1]} of %{customdata[0]} incidents, "
        "%{customdata[2]} while the earlier incident's items were open<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(tickformat=".0%", rangemode="tozero")
    chart(layout(fig, x_title="repeats (% of the service's incidents)", y_title="",
                 height=max(240, 40 + 28 * len(charted))))
    total = int(rows["total_rows"].iloc[0])
    if total > len(charted):
        st.caption(f"The {len(charted)} services with the most repeats, most first, of {total:,} services.")
    with st.expander("Figures by service"):
        capped_table(rows, {
            "service": "Service",
            "incidents": st.column_config.NumberColumn("Incidents"),
            "recurrences": st.column_config.NumberColumn("Repeats"),
            "recurrence_rate": st.column_config.NumberColumn("Recurrence rate", format="percent"),
            "while_open": st.column_config.NumberColumn(
                "While items open", help="Repeats that came back while the earlier incident's items were open."),
        }, what="services", order="most repeats first")
    return charted["service"].tolist()


def heatmap(filters: Filters, services: list[str]) -> None:
    st.subheader("Repeats by service and month")
    rows = query("recurrence_heatmap", shown=services, **filters.params())
    # Rows in the bar chart's order, most repeats at the top.
    grid = rows.pivot(index="service", columns="month", values="recurrences").reindex(services)
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=grid.columns, y=chart_text(grid.index.to_series()), colorscale="Reds", xgap=2, ygap=2,
        colorbar=dict(title="repeats"), hovertemplate="%{y}, %{x|%b %Y}: %{z} repeats<extra></extra>"))
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    fig.update_yaxes(autorange="reversed")
    chart(layout(fig, x_title="month (repeat opened)", y_title="", height=max(240, 60 + 32 * len(grid))))


def repeats(filters: Filters) -> None:
    st.subheader("Each repeat and what it repeats")
    rows = query("recurrence_list", limit=ROW_LIMIT, **filters.params())
    capped_table(rows, {
        "url": issue_link("Repeat"),
        "summary": "Summary",
        "severity": "Severity",
        "service": "Service",
        "created_at": st.column_config.DatetimeColumn("Opened (UTC)", format="D MMM YYYY, HH:mm"),
        "earlier_url": issue_link("Repeats", help="The earlier incident it repeats."),
        "earlier_summary": "Earlier summary",
        "days_between": st.column_config.NumberColumn("Days between", format="%.1f"),
        "reason": st.column_config.TextColumn("Why a repeat", help=REPEAT_HELP),
        "recurred_while_open": st.column_config.CheckboxColumn(
            "Earlier items open", help="Action items of the earlier incident were still open when it came back."),
        "earlier_open_item_keys": st.column_config.TextColumn(
            "Which items", help="The earlier incident's action items that were open at the time."),
    }, what="repeats", order="newest first")
