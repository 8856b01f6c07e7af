"""The sidebar filters, shared by every page and mirrored in the URL so a link reproduces a view.

URL parameters: from, to (ISO dates, inclusive), severity, service, team (repeatable).
An empty selection means everything. The default period is the twelve months up to the data's
as-of date, not the wall clock, so a shared link and the demo always show the same figures.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import streamlit as st

from followthrough.db import query

DIMENSIONS = (("severity", "Severity"), ("service", "Service"), ("team", "Team"))
URL_KEYS = {"from", "to", *(name for name, _ in DIMENSIONS)}


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    as_of: datetime
    severity: tuple[str, ...] = field(default=())
    service: tuple[str, ...] = field(default=())
    team: tuple[str, ...] = field(default=())

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Filters":
        """The period of the same length just before this one, with the same selections."""
        return Filters(self.start - timedelta(days=self.days), self.start - timedelta(days=1), self.as_of,
                       self.severity, self.service, self.team)

    def params(self) -> dict:
        """Parameters for the SQL: a half-open [start, end) range of timestamps and the lists."""
        return {"start": datetime.combine(self.start, datetime.min.time()),
                "end": datetime.combine(self.end + timedelta(days=1), datetime.min.time()),
                "severities": list(self.severity), "services": list(self.service), "teams": list(self.team)}

    def describe(self) -> str:
        parts = [f"{self.start:%d %b %Y} – {self.end:%d %b %Y}"]
        for name, label in DIMENSIONS:
            chosen = getattr(self, name)
            if chosen:
                parts.append(f"{label.lower()}: {', '.join(chosen)}")
        return "; ".join(parts)


def filter_options() -> dict:
    row = query("filter_options").iloc[0]
    # List columns arrive as numpy arrays; the SQL makes them never NULL.
    return {"as_of": row["as_of"].to_pydatetime(), "first": row["first_incident_at"],
            "severity": list(row["severities"]), "service": list(row["services"]),
            "team": list(row["teams"])}


def sidebar_filters() -> Filters:
    options = filter_options()
    as_of = options["as_of"]
    default_end = as_of.date()
    default_start = default_end - timedelta(days=364)
    params = st.query_params
    if "filters_from_url" not in st.session_state:
        st.session_state.filters_from_url = True
        st.session_state.f_period = (_date(params.get("from")) or default_start, _date(params.get("to")) or default_end)
        for name, _ in DIMENSIONS:
            st.session_state[f"f_{name}"] = [v for v in params.get_all(name) if v in options[name]]

    st.sidebar.header("Filters")
    period = st.sidebar.date_input("Period", key="f_period", max_value=default_end,
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


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def active_filters() -> Filters:
    """The filters app.py read from the sidebar for this run."""
    return st.session_state["filters"]
