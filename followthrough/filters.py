"""The sidebar filters, shared by every page and mirrored in the URL so a link reproduces a view.

URL parameters: from, to (ISO dates, inclusive), severity, service, team (repeatable).
An empty selection means everything. The default period is the twelve months up to the data's
as-of date, not the wall clock, so a shared link and the demo always show the same figures.
"""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from followthrough.db import query
from followthrough.selection import DIMENSIONS, Filters, default_period

URL_KEYS = {"from", "to", *(name for name, _ in DIMENSIONS)}


def filter_options() -> dict:
    row = query("filter_options").iloc[0]
    # List columns arrive as numpy arrays; the SQL makes them never NULL.
    first = row["first_filed_at"]
    return {"as_of": row["as_of"].to_pydatetime(), "first": None if pd.isna(first) else first.date(),
            **{name: list(row[name]) for name, _ in DIMENSIONS}}


def sidebar_filters() -> Filters:
    options = filter_options()
    as_of = options["as_of"]
    default_start, default_end = default_period(as_of)
    earliest = min(options["first"] or default_start, default_start)
    params = st.query_params
    if "filters_from_url" not in st.session_state:
        st.session_state.filters_from_url = True
        st.session_state.f_period = _period_from_url(params.get("from"), params.get("to"),
                                                     (default_start, default_end), earliest)
        for name, _ in DIMENSIONS:
            st.session_state[f"f_{name}"] = [v for v in params.get_all(name) if v in options[name]]

    st.sidebar.header("Filters")
    period = st.sidebar.date_input("Period", key="f_period", min_value=earliest, max_value=default_end,
                                   help="Incidents and action items filed in this period. "
                                        "States such as open or stalled are taken at its end.")
    start, end = (period if isinstance(period, (tuple, list)) and len(period) == 2
                  else (default_start, default_end))
    chosen = {name: tuple(st.sidebar.multiselect(label, options[name], key=f"f_{name}",
                                                 placeholder="All"))
              for name, label in DIMENSIONS}
    st.sidebar.caption(f"Figures as of {as_of:%d %b %Y %H:%M} UTC.")

    # Written back on every run: page switches would otherwise drop them from the address bar.
    # Parameters a page keeps for itself (a chosen quarter, an incident) are left alone.
    own = {key: params.get_all(key) for key in params if key not in URL_KEYS}
    st.query_params.from_dict({**own, "from": start.isoformat(), "to": end.isoformat(),
                               **{name: list(values) for name, values in chosen.items() if values}})
    return Filters(start, end, as_of, **chosen)


def _period_from_url(start: str | None, end: str | None, default: tuple[date, date],
                     earliest: date) -> tuple[date, date]:
    """A shared link's period, kept inside the data: a date past the as-of time or before the first
    filing is moved to that edge, so an old or hand-edited link opens instead of failing."""
    latest = default[1]
    start_day = min(max(_date(start) or default[0], earliest), latest)
    end_day = min(max(_date(end) or latest, start_day), latest)
    return start_day, end_day


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def active_filters() -> Filters:
    """The filters app.py read from the sidebar for this run."""
    return st.session_state["filters"]
