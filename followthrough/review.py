"""The quarterly review pack: a quarter's figures against the quarter before, its summary, charts and
tables, gathered once and written as the three files the Quarterly review page offers (Markdown, one
offline HTML file, the tables as CSV in a zip). The page's downloads and `python -m etl report`
both call `gather` and `files`, so the pack made from cron is the one a click gives.

The CSV files hold every row behind every figure; the Markdown and HTML show the first rows of a
long table and name the CSV file that holds the rest.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import pandas as pd
import streamlit as st

from followthrough import export
from followthrough.db import query
from followthrough.figures import FIGURES, Figure, not_reached
from followthrough.filters import Filters
from followthrough.selection import between
from followthrough.style import figure_text, number, percent
from followthrough.views import Width, issue_link, quarterly_charts, quarterly_summary
from followthrough.views.targets import ATTAINMENT_COLUMNS, grouped

# Rows of a long table the Markdown and HTML show before pointing to its CSV file.
SHOWN_ROWS = 15

TARGETS_TITLE = "Follow-up targets by class and severity"
# The titles are the reports' column titles too (see _report_table).
STALLED_COLUMNS = {
    "url": issue_link("Item"),
    "summary": "Summary",
    "owner": st.column_config.TextColumn("Owner", width=Width.NAME),
    "team": st.column_config.TextColumn("Team", width=Width.SHORT),
    "days_without_status_change": st.column_config.NumberColumn(
        "Days unchanged", format="%.0f", width=Width.NUMBER,
        help="Days without a status change at the quarter's end (or since filed, if never started)."),
    "incidents_since": st.column_config.NumberColumn(
        "Incidents since filed", width=Width.NUMBER + 25,
        help="Incidents on its service filed after it while it waited: its cost of delay, counted."),
    "cost_of_delay": st.column_config.NumberColumn(
        "Cost of delay", format="%.0f", width=Width.NUMBER,
        help="Those incidents weighted by severity ([cost_of_delay]); the table is sorted by it."),
    "risk": st.column_config.TextColumn("Risk", width=Width.NAMED["medium"],
                                        help="What the item says happens if it is not done ([risk])."),
    "missing_risk": st.column_config.CheckboxColumn("No risk stated", width=Width.SHORT,
                                                    help="A strategic item that states no risk."),
    "status": st.column_config.TextColumn("Status now", width=Width.STATUS),
    "moved_since": st.column_config.CheckboxColumn(
        "Moved since", width=Width.SHORT, help="Its status has changed since the quarter's end: stalled then, "
                                               "not necessarily now."),
    "stall_reason": st.column_config.TextColumn("Why stalled", width=Width.NAME),
    "incident_key": st.column_config.TextColumn("Incident", width=Width.KEY),
    "service": st.column_config.TextColumn("Service", width=Width.NAME),
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


_AT_QUARTER_END = re.compile(r"\b(by|at) (quarter|Q) end\b")


@dataclass(frozen=True)
class Quarter:
    """A calendar quarter; one still running is compared with as many days of the quarter before
    (previous_end), so the comparison is like for like."""
    label: str
    start: datetime
    end: datetime
    previous_label: str
    previous_start: datetime
    previous_end: datetime
    is_complete: bool

    @property
    def shown_label(self) -> str:
        return self.label if self.is_complete else f"{self.label} to date"

    def figure_label(self, figure: Figure) -> str:
        """A figure's label for this quarter: states "at quarter end" are "to date" while it runs."""
        label = figure.label_for("quarter")
        if self.is_complete:
            return label
        return _AT_QUARTER_END.sub("to date", label)


def quarters() -> list[Quarter]:
    """Every quarter with data, newest first (followthrough/queries/quarterly_quarters.sql)."""
    return [Quarter(r.label, r.quarter_start.to_pydatetime(), r.quarter_end.to_pydatetime(),
                    _previous_label(r), r.previous_start.to_pydatetime(), r.previous_end.to_pydatetime(),
                    bool(r.is_complete))
            for r in query("quarterly_quarters").itertuples()]


def _previous_label(row) -> str:
    """The quarter before, or, beside one still running, the part of it compared: "2026 Q3, days 1-31"."""
    if row.is_complete:
        return row.previous_label
    return f"{row.previous_label}, days 1–{(row.previous_end - row.previous_start).days}"


@dataclass(frozen=True)
class Review:
    quarter: Quarter
    selection: Filters
    previous: Filters
    now: pd.Series
    before: pd.Series
    services: pd.DataFrame
    stalled: pd.DataFrame
    targets: pd.DataFrame
    curves: pd.DataFrame

    # The rows behind the figures are asked for when wanted: the page shows the first few, the CSV
    # files hold them all, and at 1,000,000 issues a quarter's items alone took half a second to read.
    def incidents(self, limit: int | None = None) -> pd.DataFrame:
        return query("quarterly_incidents", **self.selection.params(), limit=limit)

    def items(self, limit: int | None = None) -> pd.DataFrame:
        return query("period_action_items", **self.selection.params(), limit=limit)

    @property
    def is_empty(self) -> bool:
        return self.now["incidents"] == 0 and self.now["items_filed"] == 0

    def sentences(self) -> list[str]:
        return quarterly_summary.sentences(self.now, self.before, self.services, self.stalled, self.quarter,
                                           self.selection.as_of)

    def charts(self) -> list[tuple[str, object]]:
        return quarterly_charts.figures(self.now, self.before, self.services, self.curves, self.quarter)


def gather(quarter: Quarter, filters: Filters) -> Review:
    """Everything the review shows, for the quarter under the filters' severity, service and team;
    every table whole."""
    selection, previous = between(filters, quarter.start, quarter.end), between(
        filters, quarter.previous_start, quarter.previous_end)
    params = selection.params()
    curves = pd.concat([query("quarterly_km_curve", **previous.params()).assign(quarter=quarter.previous_label),
                        query("quarterly_km_curve", **params).assign(quarter=quarter.label)])
    return Review(quarter, selection, previous,
                  query("period_figures", **params).iloc[0], query("period_figures", **previous.params()).iloc[0],
                  query("quarterly_recurring_services", **params, limit=None),
                  query("quarterly_stalled", **params, limit=None),
                  grouped(query("targets_attainment", **params)), curves)


def shown(figure: Figure, row: pd.Series) -> str:
    """A figure as the page shows it."""
    value = row[figure.column]
    if not_reached(figure.column, None if pd.isna(value) else value, row):
        return "not reached"
    return figure_text(figure.unit, value)


# -- the files --------------------------------------------------------------------------------

def title(review: Review) -> str:
    return f"Incident review {review.quarter.label}"


@dataclass(frozen=True)
class Kind:
    suffix: str
    mime: str
    build: Callable[[Review], bytes]


MARKDOWN = Kind(".md", "text/markdown", lambda r: export.markdown_report(
    title(r), _meta(r), r.sentences(), report_tables(r)).encode())
HTML = Kind(".html", "text/html", lambda r: export.html_report(
    title(r), _meta(r), r.sentences(), r.charts(), report_tables(r)).encode())
CSV_ZIP = Kind(".zip", "application/zip", lambda r: export.csv_zip(csv_tables(r)))


def files(review: Review) -> dict[str, bytes]:
    """The pack's three files by name, as the page's downloads name them."""
    return {title(review) + kind.suffix: kind.build(review) for kind in (MARKDOWN, HTML, CSV_ZIP)}


def _meta(review: Review) -> list[str]:
    q = review.quarter
    return [f"{q.shown_label}: {review.selection.describe()}; {comparison(q)}.",
            f"Figures as of {review.selection.as_of:%d %b %Y %H:%M} UTC."]


def comparison(quarter: Quarter) -> str:
    if quarter.is_complete:
        return f"compared with {quarter.previous_label}"
    days = (quarter.previous_end - quarter.previous_start).days
    return (f"the quarter is still running, so it is compared with as many days of the quarter before: "
            f"{quarter.previous_label} ({quarter.previous_start:%d %b} – "
            f"{quarter.previous_end - timedelta(days=1):%d %b %Y}), against its first {days} days")


def figures_table(review: Review) -> pd.DataFrame:
    q = review.quarter
    return pd.DataFrame({"Figure": [q.figure_label(f) for f in FIGURES],
                         q.shown_label: [shown(f, review.now) for f in FIGURES],
                         q.previous_label: [shown(f, review.before) for f in FIGURES]})


def report_tables(review: Review) -> list[export.Table]:
    return [export.Table("Figures", figures_table(review)),
            # One row per class and severity: bounded, so always shown whole.
            _report_table(TARGETS_TITLE, review.targets, ATTAINMENT_COLUMNS, shown=len(review.targets)),
            _report_table("Stalled strategic items", review.stalled, STALLED_COLUMNS),
            _report_table("Services that recur most", review.services, SERVICE_COLUMNS)]


def csv_tables(review: Review) -> list[export.Table]:
    """Every row behind every figure, the figures as numbers: counts whole, durations in days,
    shares as fractions."""
    q = review.quarter
    values = pd.DataFrame({"figure": [f.column for f in FIGURES],
                           q.label: [_value(f, review.now) for f in FIGURES],
                           q.previous_label: [_value(f, review.before) for f in FIGURES]}, dtype=object)
    return [export.Table("figures", values), export.Table(TARGETS_TITLE.lower(), review.targets)] + [
        export.Table(name, rows.drop(columns="total_rows"))
        for name, rows in (("stalled strategic items", review.stalled), ("services that recur most", review.services),
                           ("incidents", review.incidents()), ("action items", review.items()))]


def _value(figure: Figure, row: pd.Series):
    value = row[figure.column]
    return int(value) if figure.unit == "count" else value


def _report_table(title_: str, rows: pd.DataFrame, columns: dict, shown: int = SHOWN_ROWS) -> export.Table:
    """The rows as the page shows them: the same columns, titles and number formats, keys linked
    to Jira; a long table shows its first `shown` rows and names the CSV file holding them all."""
    shown_columns = [c for c in columns if c != "url"]
    links = (("issue_key", "url"), ("incident_key", "incident_url"))
    keyed = (["issue_key", "url"] if "url" in columns else []) + (
        ["incident_url"] if "incident_key" in columns and "incident_url" in rows.columns else [])
    titles = {c: config["label"] if isinstance(config, dict) else config for c, config in columns.items()}
    first = rows.head(shown)
    rest = len(rows) - len(first)
    note = (f"The first {len(first):,}, and {rest:,} more in {export.csv_name(title_)}." if rest
            else "None." if rows.empty else "")
    readable = first[list(dict.fromkeys(keyed + shown_columns))].assign(
        **{c: first[c].map(_formatter(columns[c])) for c in shown_columns if _formatter(columns[c])})
    renamed = {c: titles[c] for c in shown_columns}
    return export.Table(title_, readable.rename(columns=renamed), note,
                        links=tuple((renamed.get(k, k), u) for k, u in links if k in readable.columns))


def _formatter(config):
    """The page's display format of a column, for the reports: numbers rounded as the page shows
    them, shares as the headlines write them, dates as the page writes them."""
    if not isinstance(config, dict):
        return None
    kind, fmt = config.get("type_config", {}).get("type"), config.get("type_config", {}).get("format")
    if fmt == "percent":
        return percent
    if kind == "number":
        digits = int(fmt[2]) if fmt and fmt.startswith("%.") else 0
        return lambda v: number(v, digits)
    if kind == "date":
        return lambda v: "–" if pd.isna(v) else f"{v.day} {v:%b %Y}"
    return None
