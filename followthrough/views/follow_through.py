"""Follow-through: how fast action items close, whether closing keeps up with filing, what is late."""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from followthrough.db import query
from followthrough.filters import Filters
from followthrough.style import CLASS_COLORS, CLASS_ORDER, count_ticks, duration_days, layout
from followthrough.views import (ROW_LIMIT, STILL_OPEN_HOVER, Width, cached_figure, capped_table, chart, chart_text,
                                  issue_link, nothing_to_show, table)

# More panels than this cannot be read side by side; the table under the chart lists every team.
PANELS = 12
PANELS_PER_ROW = 3
KM_HELP = ("Kaplan-Meier estimate: items still open count for as long as they have been open and then "
           "drop out, instead of being ignored or taken as closed, so a group with many open items "
           "does not look fast.")
AXES = {"days": "days since filed", "still_open": "still open (% of items)"}


def time_to_close(filters: Filters) -> bool:
    """Curves of the share still open by age, operational against strategic, overall or in one
    panel per team, and their summary; False when no items were filed. The choice of team panels
    is kept in the URL as ?by=team."""
    st.subheader("Time to close")
    if "follow_by_team" not in st.session_state:
        st.session_state.follow_by_team = st.query_params.get("by") == "team"
    by_team = st.toggle("By team", key="follow_by_team",
                        help="One panel per team, each with its operational and strategic curves.")
    if by_team:
        st.query_params["by"] = "team"
    else:
        st.query_params.pop("by", None)
    curve = (query("follow_km_curve_by_team", groups=PANELS, **filters.params()) if by_team
             else query("follow_km_curve", group_by="class", groups=len(CLASS_ORDER), **filters.params()))
    if curve.empty:
        nothing_to_show("No action items were filed in this period with these filters.")
        return False
    chart(_team_panels(curve) if by_team else _curves(curve))
    st.caption(f"Action items filed in the period, followed up to the as-of time. {KM_HELP}")
    if by_team:
        summary = query("follow_km_summary_by_team", **filters.params())
        teams = summary["team"].nunique()
        if teams > PANELS:
            st.caption(f"Panels for the {PANELS} teams with the most items; the table lists all {teams}.")
    else:
        summary = query("follow_km_summary", group_by="class", **filters.params())
    _summary(summary, filters)
    return True


@cached_figure
def _curves(curve: pd.DataFrame):
    fig = px.line(curve.assign(grp=chart_text(curve["grp"])), x="days", y="still_open", color="grp",
                  line_shape="hv", custom_data=["at_risk"], color_discrete_map=CLASS_COLORS,
                  category_orders={"grp": CLASS_ORDER})
    return _still_open_axes(layout(fig, x_title=AXES["days"], y_title=AXES["still_open"]))


@cached_figure
def _team_panels(curve: pd.DataFrame):
    """Small multiples: one panel per team, the classes in their colours in each, the axes shared
    so panels compare at a glance."""
    teams = list(dict.fromkeys(curve["team"]))
    rows = -(-len(teams) // PANELS_PER_ROW)
    fig = px.line(curve.assign(grp=chart_text(curve["grp"]), team=chart_text(curve["team"])), x="days",
                  y="still_open", color="grp", facet_col="team", facet_col_wrap=PANELS_PER_ROW,
                  facet_row_spacing=0.25 / rows, facet_col_spacing=0.04,
                  line_shape="hv", custom_data=["at_risk"], color_discrete_map=CLASS_COLORS, labels=AXES,
                  category_orders={"grp": CLASS_ORDER, "team": chart_text(pd.Series(teams)).tolist()})
    # A panel's title is its team alone, not "team=Data".
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=", 1)[-1]))
    # Days on every panel: a top-row panel with none below it would otherwise have no scale.
    fig.update_xaxes(showticklabels=True)
    height = 100 + 240 * rows
    layout(fig, height=height)
    # The legend above the first row's panel titles, not on them.
    fig.update_layout(margin_t=70, legend_y=1 + 30 / (height - 80))
    return _still_open_axes(fig)


def _still_open_axes(fig):
    fig.update_traces(hovertemplate=STILL_OPEN_HOVER)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    fig.update_xaxes(rangemode="tozero")
    return fig


def _summary(rows: pd.DataFrame, filters: Filters) -> None:
    # A median the curve never reaches is a finding, not a missing value.
    rows["median"] = [duration_days(v) if pd.notna(v) else "not reached" for v in rows["median_days_to_done"]]
    table(rows.drop(columns="median_days_to_done"), {
        **({"team": st.column_config.TextColumn("Team", width=Width.NAME - 20)} if "team" in rows else {}),
        "grp": st.column_config.TextColumn("Class", width=Width.NAME - 20),
        "items": st.column_config.NumberColumn("Items", width=Width.SHORT),
        "done": st.column_config.NumberColumn("Done", width=Width.SHORT),
        "dropped": st.column_config.NumberColumn(
            "Dropped", width=Width.SHORT, help="Closed without being done (Won't Do, Duplicate and the like)."),
        "still_open": st.column_config.NumberColumn("Still open", width=Width.SHORT),
        "median": st.column_config.TextColumn(
            "Median time to done", width=Width.NUMBER + 20,
            help="Half were done by then, dropped items counting as never done; 'not reached' while fewer "
                 "than half are done."),
        **{f"done_within_{d}": st.column_config.NumberColumn(f"Done within {d} days", format="percent",
                                                              width=Width.NUMBER + 20) for d in (30, 60, 90)},
    })
    with st.expander("The action items behind the curves"):
        items = query("follow_items", limit=ROW_LIMIT, **filters.params())
        capped_table(items, {
            "url": issue_link("Item"),
            "summary": "Summary",
            "class": st.column_config.TextColumn("Class", width=Width.SHORT),
            "team": st.column_config.TextColumn("Team", width=Width.SHORT),
            "owner": st.column_config.TextColumn("Owner", width=Width.NAME),
            "status": st.column_config.TextColumn("Status now", width=Width.STATUS),
            "created_at": st.column_config.DatetimeColumn("Filed (UTC)", format="D MMM YYYY", width=Width.DATE),
            "closed_at": st.column_config.DatetimeColumn("Closed (UTC)", format="D MMM YYYY", width=Width.DATE),
            "is_open": st.column_config.CheckboxColumn(
                "Open now", width=Width.SHORT,
                help="At the as-of time: the curves follow every item up to now, not to the period's end."),
            "days_open": st.column_config.NumberColumn("Days open", format="%.1f", width=Width.SHORT,
                                                       help="Until closed, or until the as-of time."),
        }, what="items", order="open items first, longest open first")


def burn_up(filters: Filters) -> None:
    st.subheader("Filed against closed")
    rows = query("follow_burnup", **filters.params())
    chart(_burn_up_chart(rows))
    st.caption("Action items filed in the period: how many had been filed, and how many of those closed, by "
               "the end of each week. The gap between the lines is what is still open.")
    with st.expander("Week by week"):
        table(rows, {
            "week": st.column_config.DateColumn("Week starting", format="D MMM YYYY"),
            "filed_in_week": st.column_config.NumberColumn("Filed that week"),
            "closed_in_week": st.column_config.NumberColumn("Closed that week"),
            "filed": st.column_config.NumberColumn("Filed so far"),
            "closed": st.column_config.NumberColumn("Closed so far"),
        })


@cached_figure
def _burn_up_chart(rows: pd.DataFrame):
    fig = go.Figure()
    for column, name, color in (("filed", "filed", "#4d4d4d"), ("closed", "closed", CLASS_COLORS["operational"])):
        fig.add_scatter(x=rows["week"], y=rows[column], name=name, mode="lines", line_shape="hv", line_color=color,
                        hovertemplate=f"week of %{{x|%d %b %Y}}: %{{y}} {name} so far<extra></extra>")
    fig.update_yaxes(rangemode="tozero", **count_ticks(rows["filed"].max()))
    return layout(fig, x_title="week (starting Monday)", y_title="action items (cumulative)")


def overdue(filters: Filters) -> None:
    st.subheader("Overdue at period end")
    rows = query("follow_overdue", limit=ROW_LIMIT, **filters.params())
    if rows.empty:
        st.info("No action item filed in this period was overdue at its end.")
        return
    capped_table(rows, {
        "url": issue_link("Item"),
        "summary": "Summary",
        "owner": st.column_config.TextColumn("Owner", width=Width.NAME),
        "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY", width=Width.DATE),
        "days_overdue": st.column_config.NumberColumn("Days late", width=Width.SHORT,
                                                      help="Days past the due date at the period's end."),
        "class": st.column_config.TextColumn("Class", width=Width.SHORT),
        "team": st.column_config.TextColumn("Team", width=Width.SHORT),
        "service": st.column_config.TextColumn("Service", width=Width.NAME),
        "status": st.column_config.TextColumn("Status", width=Width.STATUS),
    }, what="overdue items", order="most days late first")
