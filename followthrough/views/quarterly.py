"""Quarterly review: one quarter's figures against the quarter before, the summary, the charts, the
stalled strategic work, the services that keep coming back, and the pack to take away. What is
shown is gathered by followthrough/review.py, which also writes the pack, so the page and its
downloads (and `etl report`) cannot disagree."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from followthrough import review as pack
from followthrough.figures import FIGURES, Figure
from followthrough.filters import Filters
from followthrough.openings import opening_quarter
from followthrough.review import SERVICE_COLUMNS, STALLED_COLUMNS, Quarter, Review
from followthrough.style import change
from followthrough.text import plain
from followthrough.views import (ACTION_ITEM_ORDER, DAYS_TO_RESOLVE, ROW_LIMIT, action_item_columns, capped_table,
                                 chart, incident_columns, table)
from followthrough.views.targets import ATTAINMENT_COLUMNS

INCIDENT_COLUMNS = incident_columns(days_to_resolve=DAYS_TO_RESOLVE)
ITEM_COLUMNS = action_item_columns("quarter")
URL_KEY = "quarter"


# -- the quarter ------------------------------------------------------------------------------

def pick_quarter(filters: Filters) -> Review | None:
    """The quarter picker, kept in the URL as ?quarter=2026Q3; the chosen quarter's review, or None
    without data."""
    choices = pack.quarters()
    if not choices:
        st.info("No incident or action item has been loaded yet, so there is no quarter to review. "
                "The Data health page shows what was loaded.")
        return None
    by_name = {q.shown_label: q for q in choices}
    from_url = next((i for i, q in enumerate(choices) if url_label(q) == st.query_params.get(URL_KEY)), None)
    opening = opening_quarter(q.is_complete for q in choices) if from_url is None else from_url
    quarter = by_name[st.selectbox("Quarter", list(by_name), index=opening, key="quarterly_quarter")]
    st.query_params[URL_KEY] = url_label(quarter)
    review = pack.gather(quarter, filters)
    running = "" if quarter.is_complete else (f" The quarter is still running: states are those of "
                                              f"{filters.as_of:%d %b %Y %H:%M} UTC, and {pack.comparison(quarter)}.")
    st.caption(f"On this page the quarter replaces the sidebar's period; the severity, service and team "
               f"filters still apply. Showing {plain(review.selection.describe())}, against "
               f"{quarter.previous_label}." + running)
    return review


def url_label(quarter: Quarter) -> str:
    return quarter.label.replace(" ", "")


# -- figures ----------------------------------------------------------------------------------

def headline(review: Review) -> bool:
    """The figures against the previous quarter; False when the quarter holds nothing to show."""
    if review.is_empty:
        st.info(f"No incident or action item in {review.quarter.label} matches the filters. Choose another "
                "quarter, or clear a filter in the sidebar.")
        return False
    for start in range(0, len(FIGURES), 4):
        for column, figure in zip(st.columns(4), FIGURES[start:start + 4]):
            column.metric(**_metric(figure, review), border=True)
    return True


def _metric(figure: Figure, review: Review) -> dict:
    now, before, quarter = review.now, review.before, review.quarter
    value, was = now[figure.column], before[figure.column]
    args = {"label": quarter.figure_label(figure), "value": pack.shown(figure, now),
            "help": f"{figure.help_for('quarter')} {quarter.previous_label}: {pack.shown(figure, before)}."}
    if pd.isna(value) or pd.isna(was):
        return args
    # A change too small to show is none.
    delta = None if args["value"] == pack.shown(figure, before) else change(figure.unit, value, was)
    if delta is None:
        return args | {"delta": "no change", "delta_color": "off", "delta_arrow": "off"}
    colour = {"lower": "inverse", "higher": "normal"}.get(figure.better, "off")
    return args | {"delta": delta, "delta_color": colour}


def summary(review: Review) -> None:
    st.subheader("Summary")
    st.markdown("\n".join(f"- {plain(sentence)}" for sentence in review.sentences()))


def charts(review: Review) -> None:
    """The charts two to a row, each with its title."""
    shown = review.charts()
    for start in range(0, len(shown), 2):
        for column, (title, fig) in zip(st.columns(2), shown[start:start + 2]):
            with column:
                st.markdown(f"**{title}**")
                chart(fig)


# -- tables -----------------------------------------------------------------------------------

def targets(review: Review) -> None:
    st.subheader("Follow-up targets")
    if review.targets.empty:
        st.info("No action item was filed in the quarter.")
    else:
        st.caption("Items done by their target, of those decided at the quarter's end (done, or open past their "
                   "target), by class and the incident's severity ([targets] in the configuration).")
        table(review.targets, ATTAINMENT_COLUMNS)


def stalled(review: Review) -> None:
    st.subheader("Stalled strategic items")
    if review.stalled.empty:
        st.info("No strategic item filed in the quarter was stalled at its end.")
    else:
        st.caption(f"All {len(review.stalled):,}, costliest delay first: the incidents their services had "
                   "while they waited, weighted by severity.")
        table(review.stalled, STALLED_COLUMNS)


def services_table(review: Review) -> None:
    st.subheader("Services that recur most")
    if review.services.empty:
        st.info("None of the quarter's incidents repeated an earlier one.")
    else:
        table(review.services, SERVICE_COLUMNS)


def rows_behind(review: Review) -> None:
    """The rows the figures count, for checking a number or opening the issues in Jira; the page
    ships the first ROW_LIMIT of each, the CSV download all of them."""
    with st.expander("Incidents opened in the quarter"):
        capped_table(review.incidents(ROW_LIMIT), INCIDENT_COLUMNS, what="incidents",
                     order="newest first; the CSV download holds them all")
    with st.expander("Action items filed in the quarter"):
        capped_table(review.items(ROW_LIMIT), ITEM_COLUMNS, what="items",
                     order=ACTION_ITEM_ORDER + "; the CSV download holds them all")


# -- the pack ---------------------------------------------------------------------------------

def downloads(review: Review) -> None:
    st.subheader("Take it away")
    st.caption("The reports hold the figures, the summary, the charts and the tables above; the CSV files hold "
               "every row behind every figure. `python -m etl report` writes the same files.")
    title = pack.title(review)
    # Each file is built only when asked for: the HTML one carries plotly.js, some megabytes.
    buttons = (("Markdown, for an email or wiki", pack.MARKDOWN, ":material/description:", None),
               ("HTML page with the charts", pack.HTML, ":material/web:", "One file that opens offline."),
               ("Tables as CSV (zip)", pack.CSV_ZIP, ":material/table:", None))
    for column, (label, kind, icon, help_) in zip(st.columns(3), buttons):
        column.download_button(label, file_name=title + kind.suffix, mime=kind.mime, on_click="ignore", icon=icon,
                               help=help_, data=lambda kind=kind: kind.build(review))
