"""The quarterly review's charts, built from data alone, so the page and the HTML report draw the
same figures: incidents by severity, the action items filed, the share done over time, and the
services that recur most."""
from __future__ import annotations

import pandas as pd
import plotly.express as px

from followthrough.figures import BY_COLUMN
from followthrough.style import CLASS_COLORS, SEVERITY_COLORS, SEVERITY_ORDER, count_ticks, layout, short_labels
from followthrough.views import cached_figure, chart_text

SEVERITY_COLUMNS = {"SEV-1": "sev1", "SEV-2": "sev2", "SEV-3": "sev3", "SEV-4": "sev4", "(none)": "no_severity"}
PREVIOUS_COLOR = "#bdbdbd"
THIS_COLOR = CLASS_COLORS["strategic"]
DONE_HOVER = ("%{fullData.name}, day %{x}: %{y:.0%} done<br>"
              "items open at the start of the day: %{customdata[0]:,}<extra></extra>")


def figures(now: pd.Series, before: pd.Series, services: pd.DataFrame, curves: pd.DataFrame,
            quarter) -> list[tuple[str, object]]:
    """Each chart with its title; a chart with nothing to draw (no action items in either quarter,
    no service that recurs) is left out."""
    shown = [("Incidents by severity", _severity_chart(now, before, quarter)),
             ("Action items filed in the quarter", _items_chart(now, before, quarter))]
    if not curves.empty:
        shown.append(("Share of the quarter's action items done", _time_to_done_chart(curves, quarter)))
    if not services.empty:
        shown.append(("Services that recur most", _recurring_chart(services)))
    return shown


def _item_measures(quarter) -> dict:
    # On two lines ("Done<br>by quarter end"): five labels side by side overlap at half the page's width.
    return {"items_filed": "Filed", **{c: quarter.figure_label(BY_COLUMN[c]).replace(" ", "<br>", 1)
                                       for c in ("items_done", "items_dropped", "items_open", "items_overdue")}}


@cached_figure
def _severity_chart(now: pd.Series, before: pd.Series, quarter):
    rows = pd.DataFrame([{"quarter": label, "severity": severity, "incidents": row[column]}
                         for label, row in ((quarter.previous_label, before), (quarter.label, now))
                         for severity, column in SEVERITY_COLUMNS.items()])
    fig = px.bar(rows, x="quarter", y="incidents", color="severity", color_discrete_map=SEVERITY_COLORS,
                 category_orders={"severity": SEVERITY_ORDER}, text_auto=True)
    # A count too big for its segment is left to the hover: Plotly would otherwise turn it on its
    # side and shrink it to a smudge.
    fig.update_traces(textangle=0, insidetextanchor="middle")
    fig.update_layout(uniformtext_minsize=10, uniformtext_mode="hide")
    fig.update_yaxes(**count_ticks(max(now["incidents"], before["incidents"])))
    return layout(fig, x_title="", y_title="incidents opened")


@cached_figure
def _items_chart(now: pd.Series, before: pd.Series, quarter):
    rows = pd.DataFrame([{"quarter": label, "measure": name, "items": row[column]}
                         for label, row in ((quarter.previous_label, before), (quarter.label, now))
                         for column, name in _item_measures(quarter).items()])
    fig = px.bar(rows, x="measure", y="items", color="quarter", barmode="group", text_auto=True,
                 color_discrete_map={quarter.previous_label: PREVIOUS_COLOR, quarter.label: THIS_COLOR})
    # Counts above their bars, level: inside, a short bar turned its count on its side.
    fig.update_traces(textposition="outside", textangle=0, cliponaxis=False)
    fig.update_yaxes(**count_ticks(rows["items"].max()))
    return layout(fig, x_title="", y_title="action items")


@cached_figure
def _time_to_done_chart(curves: pd.DataFrame, quarter):
    fig = px.line(curves, x="days", y="done_share", color="quarter", line_shape="hv", custom_data=["at_risk"],
                  color_discrete_map={quarter.previous_label: PREVIOUS_COLOR, quarter.label: THIS_COLOR})
    fig.update_traces(hovertemplate=DONE_HOVER)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return layout(fig, x_title="days since filed (Aalen-Johansen)", y_title="done")


@cached_figure
def _recurring_chart(services: pd.DataFrame):
    # Cut before escaping, so an escape such as &lt; is never cut in half.
    names = services["service"]
    fig = px.bar(services.assign(service=chart_text(short_labels(names)), whole=chart_text(names)), y="service",
                 x=["repeats", "repeats_while_items_open"], barmode="group", orientation="h", custom_data=["whole"],
                 color_discrete_sequence=[THIS_COLOR, SEVERITY_COLORS["SEV-2"]])
    measures = {"repeats": "repeats", "repeats_while_items_open": "while the earlier items were open"}
    fig.for_each_trace(lambda trace: trace.update(name=measures[trace.name],
                                                  hovertemplate="%{customdata[0]}: %{x} %{fullData.name}<extra></extra>"))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero", **count_ticks(services["repeats"].max()))
    return layout(fig, x_title="incidents that repeated an earlier one", y_title="")


