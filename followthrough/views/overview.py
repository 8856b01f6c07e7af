"""Overview: the period's headline figures against the period before it, and the incident trend."""
from __future__ import annotations

import plotly.express as px
import streamlit as st

from followthrough.db import query
from followthrough.figures import Figure, figure, not_reached
from followthrough.filters import Filters
from followthrough.openings import TREND_GRAIN
from followthrough.style import SEVERITY_COLORS, SEVERITY_ORDER, change, count_ticks, counted, figure_text, layout
from followthrough.views import (ACTION_ITEM_ORDER, ROW_LIMIT, Width, action_item_columns, cached_figure, capped_table,
                                 chart, first_row, incident_columns, nothing_to_show)

GRAINS = {"Week": "week", "Month": "month"}
# Every row of figures in as many columns as the widest, so each lines up with the one above.
FIGURES_PER_ROW = 5
INCIDENT_FIGURES = ("incidents", "median_days_to_resolve", "p80_days_to_resolve", "unresolved_incidents",
                    "recurrence_rate")
ITEM_FIGURES = ("items_filed", "items_open", "items_overdue", "items_done", "items_dropped",
                "median_days_to_done", "strategic_stalled")


def headline(filters: Filters) -> bool:
    """The headline figures with their change; False when the period holds nothing to show."""
    now = first_row(query("period_figures", **filters.params()))
    before = first_row(query("period_figures", **filters.previous().params()))
    if not (now["incidents"] or now["items_filed"]):
        nothing_to_show("No incidents or action items were filed in this period with these filters.")
        return False
    if not (before["incidents"] or before["items_filed"]):
        before = None
        st.caption("The previous period of the same length holds no data, so no changes are shown.")
    else:
        previous = filters.previous()
        st.caption(f"Changes are against the previous {counted(filters.days, 'day')} "
                   f"({previous.start:%d %b %Y} – {previous.end:%d %b %Y}).")

    st.subheader("Incidents")
    _figures(INCIDENT_FIGURES, now, before)
    _severities(filters, compare=before is not None)

    st.subheader("Action items")
    _figures(ITEM_FIGURES, now, before)
    return True


def _figures(columns: tuple[str, ...], now, before) -> None:
    for start in range(0, len(columns), FIGURES_PER_ROW):
        for col, column in zip(st.columns(FIGURES_PER_ROW), columns[start:start + FIGURES_PER_ROW]):
            null_text = "not reached" if not_reached(column, now[column], now) else "–"
            _metric(col, figure(column), now[column], before[column] if before is not None else None,
                    null_text=null_text)


def _metric(container, shown: Figure, value, previous, *, null_text: str = "–", label: str | None = None,
            help: str | None = None) -> None:
    container.metric(label or shown.label_for("period"),
                     null_text if value is None else figure_text(shown.unit, value),
                     _change(shown.unit, value, previous),
                     delta_color="normal" if shown.better == "higher" else "inverse",
                     help=help or shown.help_for("period"))


def _change(kind: str, now, before) -> str | None:
    """The change as Streamlit reads it: a leading '-' is down, and "0" is no change (grey)."""
    if now is None or before is None:
        return None
    return change(kind, now, before) or "0"


def _severities(filters: Filters, *, compare: bool) -> None:
    now = query("overview_severity", **filters.params()).set_index("severity")["incidents"]
    before = query("overview_severity", **filters.previous().params()).set_index("severity")["incidents"]
    shown = [s for s in SEVERITY_ORDER if s in now.index or (compare and s in before.index)]
    if not shown:
        return
    for column, severity in zip(st.columns(FIGURES_PER_ROW), shown):
        help = (f"{severity} incidents opened in the period." if severity != "(none)" else
                "Incidents with no severity, or one the severity map does not cover (see Data health).")
        _metric(column, figure("sev1"), int(now.get(severity, 0)), int(before.get(severity, 0)) if compare else None,
                label=severity, help=help)


def trend(filters: Filters) -> None:
    st.subheader("Incidents over time")
    grain = st.radio("Incidents per", list(GRAINS), index=list(GRAINS.values()).index(TREND_GRAIN),
                     horizontal=True, key="overview_grain")
    rows = query("overview_trend", grain=GRAINS[grain], **filters.params())
    if rows.empty:
        st.info("No incidents in this period with these filters.")
        return
    chart(_trend_chart(rows, grain))
    if grain == "Week":
        st.caption("Weeks start on Monday, so the first and last bar can cover only part of a week.")


@cached_figure
def _trend_chart(rows, grain: str):
    fig = px.bar(rows, x="bucket", y="incidents", color="severity", color_discrete_map=SEVERITY_COLORS,
                 category_orders={"severity": SEVERITY_ORDER},
                 hover_data={"bucket": "|%d %b %Y", "incidents": True, "severity": True})
    fig.update_layout(barmode="stack", bargap=0.15)
    fig.update_yaxes(**count_ticks(rows.groupby("bucket")["incidents"].sum().max()))
    return layout(fig, x_title=f"{grain.lower()} starting", y_title="incidents")


def rows_behind(filters: Filters) -> None:
    """The rows the headline figures count, for checking a number or opening the issues in Jira."""
    params = filters.params()
    with st.expander("Incidents in this period"):
        incidents = query("overview_incidents", limit=ROW_LIMIT, **params)
        capped_table(incidents, incident_columns(
            hours_to_resolve=st.column_config.NumberColumn("Hours to resolve", format="%.1f", width=Width.NUMBER),
        ), what="incidents", order="newest first")
    with st.expander("Action items filed in this period"):
        items = query("period_action_items", limit=ROW_LIMIT, **params)
        capped_table(items, action_item_columns("period"), what="items", order=ACTION_ITEM_ORDER)
