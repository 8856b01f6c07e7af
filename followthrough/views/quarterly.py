"""Quarterly review: one quarter's figures against the quarter before, a summary written from those
figures alone, the stalled strategic work, the services that keep coming back, and all of it as a
report to take away (Markdown, one offline HTML file, CSV)."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import pandas as pd
import plotly.express as px
import streamlit as st

from followthrough import export
from followthrough.db import query
from followthrough.figures import BY_COLUMN, FIGURES, Figure, not_reached
from followthrough.filters import Filters
from followthrough.style import (CLASS_COLORS, SEVERITY_COLORS, SEVERITY_ORDER, change, count_ticks, counted,
                                 duration_days, figure_text, layout, number, percent)
from followthrough.text import plain
from followthrough.views import (ACTION_ITEM_ORDER, DAYS_TO_RESOLVE, ROW_LIMIT, Width,
                                 action_item_columns, cached_figure, capped_table, chart, chart_text, incident_columns,
                                 issue_link)

TOP = 10
SEVERITY_COLUMNS = {"SEV-1": "sev1", "SEV-2": "sev2", "SEV-3": "sev3", "SEV-4": "sev4", "(none)": "no_severity"}
ITEM_MEASURES = {"items_filed": "Filed",
                 **{c: BY_COLUMN[c].label_for("quarter") for c in ("items_done", "items_dropped", "items_open", "items_overdue")}}
PREVIOUS_COLOR = "#bdbdbd"
DONE_HOVER = ("%{fullData.name}, day %{x}: %{y:.0%} done<br>"
              "items open at the start of the day: %{customdata[0]:,}<extra></extra>")
THIS_COLOR = CLASS_COLORS["strategic"]

# The titles are the reports' column titles too (see _report_table).
STALLED_COLUMNS = {
    "url": issue_link("Item"),
    "summary": "Summary",
    "owner": st.column_config.TextColumn("Owner", width=Width.NAME),
    "status": st.column_config.TextColumn("Status now", width=Width.STATUS),
    "moved_since": st.column_config.CheckboxColumn(
        "Moved since", width=Width.SHORT, help="Its status has changed since the quarter's end: stalled then, "
                                               "not necessarily now."),
    "stall_reason": st.column_config.TextColumn("Why stalled", width=Width.NAME),
    "days_without_status_change": st.column_config.NumberColumn(
        "Days without a status change", format="%.0f", help="At the quarter's end.", width=Width.NUMBER + 65),
    "incident_key": st.column_config.TextColumn("Incident", width=Width.KEY),
    "service": st.column_config.TextColumn("Service", width=Width.NAME),
    "team": st.column_config.TextColumn("Team", width=Width.SHORT),
    "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY", width=Width.DATE),
}
SERVICE_COLUMNS = {
    "service": st.column_config.TextColumn("Service", width=Width.NAME),
    "repeats": st.column_config.NumberColumn("Repeats", help="The quarter's incidents that repeated an earlier one."),
    "repeats_while_items_open": st.column_config.NumberColumn(
        "While items were open", help="Repeats that came while the earlier incident's action items were open."),
    "incidents": st.column_config.NumberColumn("Incidents"),
    "repeat_share": st.column_config.NumberColumn("Share repeats", format="percent"),
}
INCIDENT_COLUMNS = incident_columns(days_to_resolve=DAYS_TO_RESOLVE)
ITEM_COLUMNS = action_item_columns("quarter")


@dataclass(frozen=True)
class Quarter:
    label: str
    start: datetime
    end: datetime
    previous_label: str
    previous_start: datetime
    is_complete: bool


# -- the quarter ------------------------------------------------------------------------------

def pick_quarter(filters: Filters) -> tuple[Quarter, Filters, Filters] | None:
    """The quarter picker; the chosen quarter and the one before it as filters, or None without data."""
    choices = [Quarter(r.label, r.quarter_start.to_pydatetime(), r.quarter_end.to_pydatetime(), r.previous_label,
                       r.previous_start.to_pydatetime(), bool(r.is_complete))
               for r in query("quarterly_quarters").itertuples()]
    if not choices:
        st.info("No incident or action item has been loaded yet, so there is no quarter to review. "
                "The Data health page shows what was loaded.")
        return None
    by_name = {q.label if q.is_complete else f"{q.label} (to date)": q for q in choices}
    last_complete = next((i for i, q in enumerate(choices) if q.is_complete), 0)
    quarter = by_name[st.selectbox("Quarter", list(by_name), index=last_complete, key="quarterly_quarter")]
    selection = _period(filters, quarter.start, quarter.end)
    running = "" if quarter.is_complete else (f" The quarter is still running: states at its end are those "
                                              f"of {filters.as_of:%d %b %Y %H:%M} UTC.")
    st.caption(f"On this page the quarter replaces the sidebar's period; the severity, service and team "
               f"filters still apply. Showing {plain(selection.describe())}, against {quarter.previous_label}."
               + running)
    return quarter, selection, _period(filters, quarter.previous_start, quarter.start)


def _period(filters: Filters, start: datetime, end: datetime) -> Filters:
    return replace(filters, start=start.date(), end=(end - timedelta(days=1)).date())


# -- figures ----------------------------------------------------------------------------------

def headline(quarter: Quarter, selection: Filters, previous: Filters) -> tuple[pd.Series, pd.Series] | None:
    """The figures against the previous quarter; None when the quarter holds nothing to show."""
    now = query("period_figures", **selection.params()).iloc[0]
    before = query("period_figures", **previous.params()).iloc[0]
    if now["incidents"] == 0 and now["items_filed"] == 0:
        st.info(f"No incident or action item in {quarter.label} matches the filters. Choose another quarter, "
                "or clear a filter in the sidebar.")
        return None
    for start in range(0, len(FIGURES), 4):
        for column, figure in zip(st.columns(4), FIGURES[start:start + 4]):
            column.metric(**_metric(figure, now, before, quarter.previous_label), border=True)
    return now, before


def _metric(figure: Figure, now: pd.Series, before: pd.Series, previous_label: str) -> dict:
    value, was = now[figure.column], before[figure.column]
    args = {"label": figure.label_for("quarter"), "value": _show(figure, now),
            "help": f"{figure.help_for('quarter')} {previous_label}: {_show(figure, before)}."}
    if _missing(value) or _missing(was):
        return args
    # A change too small to show is none.
    delta = None if args["value"] == _show(figure, before) else change(figure.unit, value, was)
    if delta is None:
        return args | {"delta": "no change", "delta_color": "off", "delta_arrow": "off"}
    colour = {"lower": "inverse", "higher": "normal"}.get(figure.better, "off")
    return args | {"delta": delta, "delta_color": colour}


def _show(figure: Figure, row: pd.Series) -> str:
    value = row[figure.column]
    if not_reached(figure.column, None if _missing(value) else value, row):
        return "not reached"
    return figure_text(figure.unit, value)


# -- summary ----------------------------------------------------------------------------------

def summary(now: pd.Series, before: pd.Series, services: pd.DataFrame, quarter: Quarter,
            as_of: datetime) -> list[str]:
    """Shows and returns plain sentences built from the figures and nothing else. The Jira text in
    them (service names) is raw: each place that shows them escapes it."""
    end = "at the end of the quarter" if quarter.is_complete else f"on {as_of:%d %b %Y}"
    than = quarter.previous_label
    sentences = [s for s in (
        _incidents_sentence(now, before, quarter), _resolve_sentence(now, before, than),
        _items_sentence(now, before, end, than), _close_sentence(now),
        _stalled_sentence(now, before, end, than), _recurrence_sentence(now, before, than),
        _top_services_sentence(services)) if s]
    st.subheader("Summary")
    st.markdown("\n".join(f"- {plain(sentence)}" for sentence in sentences))
    return sentences


def _incidents_sentence(now, before, quarter: Quarter) -> str:
    sev1 = f"{number(now['sev1'])} SEV-1" if now["sev1"] else "no SEV-1"
    return (f"{counted(now['incidents'], 'incident')} ({sev1}) in {quarter.label}, "
            f"{_compare(now['incidents'], before['incidents'], number, quarter.previous_label)}.")


def _resolve_sentence(now, before, than: str) -> str:
    if now["incidents"] == 0:
        return ""
    pending = (f" {counted(now['unresolved_incidents'], 'incident')} {_is(now['unresolved_incidents'])} not resolved "
               "yet and counted as still open." if now["unresolved_incidents"] else "")
    if _missing(now["median_days_to_resolve"]):
        return f"More than half of these incidents are not resolved yet, so there is no median time to resolve.{pending}"
    p80 = ("" if _missing(now["p80_days_to_resolve"])
           else f"; 80% within {duration_days(now['p80_days_to_resolve'])}")
    return (f"Median time to resolve {duration_days(now['median_days_to_resolve'])}, "
            f"{_compare(now['median_days_to_resolve'], before['median_days_to_resolve'], duration_days, than)}"
            f"{p80}.{pending}")


def _items_sentence(now, before, end: str, than: str) -> str:
    if now["items_filed"] == 0:
        return f"No action items were filed, {_compare(0, before['items_filed'], number, than)}."

    def compared(column: str) -> str:
        return _compare(now[column], before[column], number, than)
    return (f"{counted(now['items_filed'], 'action item')} filed; {end} {number(now['items_done'])} "
            f"{_were(now['items_done'])} done ({compared('items_done')}), {number(now['items_dropped'])} dropped, "
            f"{number(now['items_open'])} open ({compared('items_open')}) and {number(now['items_overdue'])} "
            f"overdue ({compared('items_overdue')}).")


def _close_sentence(now) -> str:
    if now["items_filed"] == 0:
        return ""
    median = ("the median time to done is " + duration_days(now["median_days_to_done"])
              if not _missing(now["median_days_to_done"])
              else "fewer than half are done, so there is no median time to done yet")
    within = [f"{percent(now[f'done_within_{d}'])} within {d} days"
              for d in (30, 90) if not _missing(now[f"done_within_{d}"])]
    if not within:
        return f"No action item filed in the quarter has been followed for 30 days yet; {median}."
    return f"Of the action items filed in the quarter, {' and '.join(within)} were done; {median}."


def _stalled_sentence(now, before, end: str, than: str) -> str:
    if now["items_filed"] == 0:
        return ""
    stalled_now = now["strategic_stalled"]
    return (f"{counted(stalled_now, 'strategic item')} filed in the quarter {_were(stalled_now)} stalled {end}, "
            f"{_compare(stalled_now, before['strategic_stalled'], number, than)}.")


def _recurrence_sentence(now, before, than: str) -> str:
    if now["incidents"] == 0:
        return ""
    while_open = ("" if not now["recurrences"] else
                  f" {number(now['repeats_while_open'])} of them came back while fixes for the earlier "
                  f"incident were still open.")
    return (f"{number(now['recurrences'])} of the {counted(now['incidents'], 'incident')} "
            f"({percent(now['recurrence_rate'])}) repeated an earlier one, "
            f"{_compare(now['recurrence_rate'], before['recurrence_rate'], percent, than)}.{while_open}")


def _top_services_sentence(services: pd.DataFrame) -> str:
    if services.empty:
        return ""
    most = services["repeats"].iloc[0]
    top = services.loc[services["repeats"] == most, "service"].tolist()
    if len(top) == 1:
        return f"{top[0]} had the most repeats ({number(most)})."
    return f"{', '.join(top[:-1])} and {top[-1]} had the most repeats ({number(most)} each)."


def _compare(now, before, fmt, than: str) -> str:
    if _missing(before):
        return f"with no figure for {than} to compare"
    if _missing(now):
        return f"against {fmt(before)} in {than}"
    if now == before:
        return f"the same as in {than}"
    return f"{'up' if now > before else 'down'} from {fmt(before)} in {than}"


def _were(value) -> str:
    return "was" if value == 1 else "were"


def _is(value) -> str:
    return "is" if value == 1 else "are"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


# -- charts -----------------------------------------------------------------------------------

def charts(now: pd.Series, before: pd.Series, services: pd.DataFrame, selection: Filters, previous: Filters,
           quarter: Quarter) -> list[tuple[str, object]]:
    """Shows and returns the charts, two to a row, each with its title; a chart with nothing to
    draw (no action items in either quarter, no service that recurs) is left out."""
    curves = _curves(selection, previous, quarter)
    shown = [("Incidents by severity", _severity_chart(now, before, quarter)),
             ("Action items filed in the quarter", _items_chart(now, before, quarter))]
    if not curves.empty:
        shown.append(("Share of the quarter's action items done", _time_to_done_chart(curves, quarter)))
    if not services.empty:
        shown.append(("Services that recur most", _recurring_chart(services)))
    for start in range(0, len(shown), 2):
        for column, (title, fig) in zip(st.columns(2), shown[start:start + 2]):
            with column:
                st.markdown(f"**{title}**")
                chart(fig)
    return shown


@cached_figure
def _severity_chart(now: pd.Series, before: pd.Series, quarter: Quarter):
    rows = pd.DataFrame([{"quarter": label, "severity": severity, "incidents": row[column]}
                         for label, row in ((quarter.previous_label, before), (quarter.label, now))
                         for severity, column in SEVERITY_COLUMNS.items()])
    fig = px.bar(rows, x="quarter", y="incidents", color="severity", color_discrete_map=SEVERITY_COLORS,
                 category_orders={"severity": SEVERITY_ORDER}, text_auto=True)
    fig.update_yaxes(**count_ticks(max(now["incidents"], before["incidents"])))
    return layout(fig, x_title="", y_title="incidents opened")


@cached_figure
def _items_chart(now: pd.Series, before: pd.Series, quarter: Quarter):
    rows = pd.DataFrame([{"quarter": label, "measure": name, "items": row[column]}
                         for label, row in ((quarter.previous_label, before), (quarter.label, now))
                         for column, name in ITEM_MEASURES.items()])
    fig = px.bar(rows, x="measure", y="items", color="quarter", barmode="group", text_auto=True,
                 color_discrete_map={quarter.previous_label: PREVIOUS_COLOR, quarter.label: THIS_COLOR})
    fig.update_yaxes(**count_ticks(rows["items"].max()))
    return layout(fig, x_title="", y_title="action items")


def _curves(selection: Filters, previous: Filters, quarter: Quarter) -> pd.DataFrame:
    return pd.concat([query("quarterly_km_curve", **previous.params()).assign(quarter=quarter.previous_label),
                      query("quarterly_km_curve", **selection.params()).assign(quarter=quarter.label)])


@cached_figure
def _time_to_done_chart(curves: pd.DataFrame, quarter: Quarter):
    fig = px.line(curves, x="days", y="done_share", color="quarter", line_shape="hv", custom_data=["at_risk"],
                  color_discrete_map={quarter.previous_label: PREVIOUS_COLOR, quarter.label: THIS_COLOR})
    fig.update_traces(hovertemplate=DONE_HOVER)
    fig.update_yaxes(tickformat=".0%", range=[0, 1.02])
    return layout(fig, x_title="days since filed (Aalen-Johansen)", y_title="done")


@cached_figure
def _recurring_chart(services: pd.DataFrame):
    fig = px.bar(services.assign(service=chart_text(services["service"])), y="service",
                 x=["repeats", "repeats_while_items_open"], barmode="group", orientation="h",
                 color_discrete_sequence=[THIS_COLOR, SEVERITY_COLORS["SEV-2"]])
    names = {"repeats": "repeats", "repeats_while_items_open": "while the earlier items were open"}
    fig.for_each_trace(lambda trace: trace.update(name=names[trace.name]))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(rangemode="tozero", **count_ticks(services["repeats"].max()))
    return layout(fig, x_title="incidents that repeated an earlier one", y_title="")


# -- tables -----------------------------------------------------------------------------------

def recurring_services(selection: Filters) -> pd.DataFrame:
    return query("quarterly_recurring_services", **selection.params(), limit=TOP)


def stalled(selection: Filters) -> pd.DataFrame:
    st.subheader("Stalled strategic items")
    rows = query("quarterly_stalled", **selection.params(), limit=TOP)
    if rows.empty:
        st.info("No strategic item filed in the quarter was stalled at its end.")
    else:
        capped_table(rows, STALLED_COLUMNS, what="stalled strategic items",
                     order="longest without a status change first")
    return rows


def services_table(services: pd.DataFrame) -> None:
    st.subheader("Services that recur most")
    if services.empty:
        st.info("None of the quarter's incidents repeated an earlier one.")
    else:
        capped_table(services, SERVICE_COLUMNS, what="services with repeats", order="most repeats first")


def rows_behind(selection: Filters) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows the figures count, for checking a number or opening the issues in Jira."""
    incidents = query("quarterly_incidents", **selection.params(), limit=ROW_LIMIT)
    items = query("period_action_items", **selection.params(), limit=ROW_LIMIT)
    with st.expander("Incidents opened in the quarter"):
        capped_table(incidents, INCIDENT_COLUMNS, what="incidents", order="newest first")
    with st.expander("Action items filed in the quarter"):
        capped_table(items, ITEM_COLUMNS, what="items", order=ACTION_ITEM_ORDER)
    return incidents, items


# -- report -----------------------------------------------------------------------------------

def downloads(quarter: Quarter, selection: Filters, now: pd.Series, before: pd.Series, sentences: list[str],
              shown_charts: list, stalled_items: pd.DataFrame, services: pd.DataFrame,
              incidents: pd.DataFrame, items: pd.DataFrame) -> None:
    st.subheader("Take it away")
    title = f"Incident review {quarter.label}"
    running = "" if quarter.is_complete else " (to date)"
    meta = [f"{quarter.label}{running}: {selection.describe()}; compared with {quarter.previous_label}.",
            f"Figures as of {selection.as_of:%d %b %Y %H:%M} UTC."]
    figures = pd.DataFrame({"Figure": [f.label_for("quarter") for f in FIGURES], quarter.label: [_show(f, now) for f in FIGURES],
                            quarter.previous_label: [_show(f, before) for f in FIGURES]})
    tables = [export.Table("Figures", figures),
              _report_table("Stalled strategic items", stalled_items, STALLED_COLUMNS),
              _report_table("Services that recur most", services, SERVICE_COLUMNS)]
    values = pd.DataFrame({"figure": [f.column for f in FIGURES], quarter.label: [_value(f, now) for f in FIGURES],
                           quarter.previous_label: [_value(f, before) for f in FIGURES]}, dtype=object)
    raw = [export.Table("figures", values)] + [
        export.Table(name, rows.drop(columns="total_rows"))
        for name, rows in (("stalled strategic items", stalled_items), ("services that recur most", services),
                           ("incidents", incidents), ("action items", items))]
    st.caption("The reports hold the figures, the summary and the tables above; the CSV files also hold the "
               f"rows behind the figures (up to {ROW_LIMIT:,} of each).")
    md_col, html_col, csv_col = st.columns(3)
    # The files are built only when asked for: the HTML one carries plotly.js, some megabytes.
    md_col.download_button("Markdown, for an email or wiki", file_name=f"{title}.md", mime="text/markdown",
                           data=lambda: export.markdown_report(title, meta, sentences, tables),
                           on_click="ignore", icon=":material/description:")
    html_col.download_button("HTML page with the charts", file_name=f"{title}.html", mime="text/html",
                             data=lambda: export.html_report(title, meta, sentences, shown_charts, tables),
                             on_click="ignore", icon=":material/web:", help="One file that opens offline.")
    csv_col.download_button("Tables as CSV (zip)", file_name=f"{title}.zip", mime="application/zip",
                            data=lambda: export.csv_zip(raw), on_click="ignore", icon=":material/table:")


def _value(figure: Figure, row: pd.Series):
    """A figure as a number for the CSV: counts whole, durations in days, shares as fractions."""
    value = row[figure.column]
    return int(value) if figure.unit == "count" else value


def _report_table(title: str, rows: pd.DataFrame, columns: dict) -> export.Table:
    """The rows as the page shows them: the same columns and titles, the key linked to Jira."""
    shown = [c for c in columns if c != "url"]
    keyed = ["issue_key", "url"] if "url" in columns else []
    titles = {c: config["label"] if isinstance(config, dict) else config for c, config in columns.items()}
    shares = [c for c, config in columns.items()
              if isinstance(config, dict) and config.get("type_config", {}).get("format") == "percent"]
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    note = f"The first {len(rows):,} of {total:,}." if total > len(rows) else ""
    readable = rows[keyed + shown].assign(**{c: rows[c].map(percent) for c in shares})
    return export.Table(title, readable.rename(columns={c: titles[c] for c in shown}), note)
