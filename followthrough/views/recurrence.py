"""Recurrence: which services see the same trouble again, and whether the fixes were still open."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from followthrough.db import query
from followthrough.filters import Filters
from followthrough.style import count_ticks, counted, layout, number, percent, short_labels
from followthrough.views import (DATETIME, ROW_LIMIT, Width, cached_figure, capped_table, chart, chart_text, first_row,
                                  issue_link, nothing_to_show)

# More bars or heatmap rows than this cannot be read; the table under the chart lists the rest.
CHARTED_SERVICES = 20
REPEAT_HELP = ("A repeat is an incident that came back within the recurrence window with evidence that ties it "
               "to an earlier one: linked to it in Jira, the same root cause, or a similar summary on the same "
               "service. Another incident on the same service alone is not a repeat (see 'Back on the same "
               "service'). The strongest evidence is shown.")


def summary(filters: Filters) -> int | None:
    """The period's recurrence figures; returns how many repeats (None when there are no incidents)."""
    figures = first_row(query("recurrence_summary", **filters.params()))
    if not figures["incidents"]:
        nothing_to_show("No incidents were filed in this period with these filters, so nothing can recur.")
        return None
    cols = st.columns(5)
    cols[0].metric("Repeats", number(figures["recurrences"]), help=REPEAT_HELP)
    cols[1].metric("Recurrence rate", percent(figures["recurrence_rate"]),
                   help=f"Repeats among the period's {counted(figures['incidents'], 'incident')}.")
    cols[2].metric("Back while fixes open", percent(figures["share_while_open"]),
                   help="Came back while its fixes were open: the share of repeats that arrived while action "
                        "items of an earlier incident it repeats were still open "
                        f"({counted(figures['while_open'], 'repeat')}).")
    cols[3].metric("Linked as a repeat", number(figures["linked"]),
                   help=f"Repeats someone linked to the earlier incident in Jira; {number(figures['same_cause'])} "
                        f"more share its root cause and {number(figures['similar_summary'])} have a similar summary.")
    cols[4].metric("Back on the same service", number(figures["same_service_only"]),
                   help="Incidents on a service that had another within the window, with nothing more to tie "
                        "them: how busy a service is, not a repeat. Not in the recurrence rate.")
    if not figures["recurrences"]:
        st.info("No incident in this period repeats an earlier one.")
    return int(figures["recurrences"])


def by_service(filters: Filters) -> list[str]:
    """Repeats per service for the services with the most; returns the services charted."""
    st.subheader("Repeats by service")
    rows = query("recurrence_by_service", limit=ROW_LIMIT, **filters.params())
    # The page comes here only when the period has repeats, so at least one service is charted.
    charted = rows[rows["recurrences"] > 0].head(CHARTED_SERVICES)
    chart(_services_chart(charted))
    with_repeats = int(rows["with_repeats"].iloc[0])
    if with_repeats > len(charted):
        st.caption(f"The {len(charted)} services with the most repeats, most first, of the "
                   f"{with_repeats:,} services that had any.")
    with st.expander("Figures by service"):
        capped_table(rows, {
            "service": st.column_config.TextColumn("Service", width=Width.NAME),
            "incidents": st.column_config.NumberColumn("Incidents", width=Width.SHORT),
            "recurrences": st.column_config.NumberColumn("Repeats", width=Width.SHORT),
            "recurrence_rate": st.column_config.NumberColumn("Recurrence rate", format="percent", width=Width.NUMBER),
            "while_open": st.column_config.NumberColumn(
                "While items open", width=Width.NUMBER,
                help="Repeats that came back while the earlier incident's items were open."),
        }, what="services", order="most repeats first")
    return charted["service"].tolist()


@cached_figure
def _services_chart(charted: pd.DataFrame):
    # Cut before escaping, so an escape such as &lt; is never cut in half.
    names = charted["service"]
    fig = px.bar(charted.assign(service=chart_text(short_labels(names)), whole=chart_text(names), hover=_hover(charted)),
                 x="recurrences", y="service", orientation="h", custom_data=["hover", "whole"])
    fig.update_traces(marker_color="#b2182b", hovertemplate="%{customdata[1]}: %{customdata[0]}<extra></extra>")
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero", **count_ticks(charted["recurrences"].max()))
    return layout(fig, x_title="repeats (incidents that repeated an earlier one)", y_title="",
                  height=max(240, 40 + 28 * len(charted)))


def _hover(rows: pd.DataFrame) -> list[str]:
    return [f"{number(r.recurrences)} of {counted(r.incidents, 'incident')} ({percent(r.recurrence_rate)}) "
            f"repeated an earlier one, {number(r.while_open)} while its items were open" for r in rows.itertuples()]


def heatmap(filters: Filters, services: list[str]) -> None:
    st.subheader("Repeats by service and month")
    rows = query("recurrence_heatmap", shown=services, **filters.params())
    chart(_heatmap_chart(rows, services))


@cached_figure
def _heatmap_chart(rows: pd.DataFrame, services: list[str]):
    # Rows in the bar chart's order, most repeats at the top.
    grid = rows.pivot(index="service", columns="month", values="recurrences").reindex(services)
    names = grid.index.to_series()
    whole = [[name] * len(grid.columns) for name in chart_text(names)]
    fig = go.Figure(go.Heatmap(
        z=grid.to_numpy(), x=grid.columns, y=chart_text(pd.Series(short_labels(names), dtype=object)), colorscale="Reds", xgap=2, ygap=2,
        text=grid.map(lambda n: counted(n, "repeat")).to_numpy(), customdata=whole,
        # The title along the bar, right of its ticks: above a short bar Plotly draws it over the top tick.
        colorbar=dict(title=dict(text="repeats", side="right"), **count_ticks(grid.to_numpy().max())),
        hovertemplate="%{customdata}, %{x|%b %Y}: %{text}<extra></extra>"))
    fig.update_xaxes(dtick="M1", tickformat="%b %Y")
    fig.update_yaxes(autorange="reversed")
    return layout(fig, x_title="month (repeat opened)", y_title="", height=max(240, 60 + 32 * len(grid)))


def repeats(filters: Filters) -> None:
    st.subheader("Each repeat and what it repeats")
    rows = query("recurrence_list", limit=ROW_LIMIT, **filters.params())
    capped_table(rows, {
        "url": issue_link("Repeat"),
        "summary": "Summary",
        # What it repeats and whether fixes were open first: at a 1400-pixel window the columns after scroll.
        "earlier_url": issue_link("Repeats", help="The earlier incident it repeats."),
        # Its title is some 106 px in the grid's 14 px font, more than a NUMBER column leaves it.
        "recurred_while_open": st.column_config.CheckboxColumn(
            "Earlier items open", width=Width.NUMBER + 15,
            help="Action items of the earlier incident were still open when it came back."),
        "earlier_open_item_keys": st.column_config.TextColumn(
            "Which items", help="The earlier incident's action items that were open at the time.",
            width=Width.NAME),
        "evidence": st.column_config.TextColumn("Why a repeat", help=REPEAT_HELP, width=Width.STATUS),
        "severity": st.column_config.TextColumn("Severity", width=Width.SHORT),
        "service": st.column_config.TextColumn("Service", width=Width.NAME),
        "created_at": st.column_config.DatetimeColumn("Opened (UTC)", format=DATETIME,
                                                      width=Width.DATETIME),
        "earlier_summary": "Earlier summary",
        "days_between": st.column_config.NumberColumn("Days between", format="%.1f", width=Width.NUMBER),
    }, what="repeats", order="newest first")
