"""The default view of every page, computed at publish and stored in the published file.

A page opened without choices (the sidebar's default twelve months, no filter; the last complete
quarter on the Quarterly review) runs the same queries for every viewer until the next publish.
At 1,000,000 issues those took 1-8 s per page, each time a dashboard process started or the cache
let go. So the publish runs them once, with the very SQL of followthrough/queries and the very
parameters a page passes, and keeps each result as a table in the schema `stored`;
followthrough/db.py serves a query from there when its name and parameters match exactly, and
runs it otherwise. A stored result is the query's answer on the same file: nothing can go stale.

`default_calls` lists the calls, from the pages' opening choices in followthrough/openings.py;
tests/test_stored.py renders every page's default view and fails on any figure over a selection
that was computed instead of read, so a page whose defaults change cannot silently lose its
stored view.
"""
from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import duckdb
import pandas as pd

from followthrough.openings import EXPLORER_STATUS, OWNER_FIGURE, TREND_GRAIN, opening_quarter
from followthrough.selection import Filters, between, default_period
from followthrough.style import CLASS_ORDER, ROW_LIMIT

QUERIES = Path(__file__).resolve().parent / "queries"
SCHEMA = "stored"
INDEX = f"{SCHEMA}.results"

Call = tuple[str, dict]


def key(name: str, params: dict) -> str:
    """One text per query, its SQL and its parameters, the same whichever side builds it. With the
    SQL in it, a dashboard upgraded before the next publish computes a query whose SQL changed
    instead of serving what the old SQL gave."""
    return json.dumps([name, _sql_digest(name), params], sort_keys=True, default=_plain, separators=(",", ":"))


@lru_cache(maxsize=None)
def _sql_digest(name: str) -> str:
    return hashlib.md5(sql(name).encode()).hexdigest()


def _plain(value):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    raise TypeError(f"cannot key a parameter of type {type(value).__name__}")


def sql(name: str) -> str:
    return (QUERIES / f"{name}.sql").read_text()


def default_calls(run: Callable[[str, dict], pd.DataFrame]) -> list[Call]:
    """Every query over a selection that the pages run in their default view; `run` answers (and
    stores) the ones whose results decide later parameters (the first owner listed, the quarter
    shown, the as-of time)."""
    options = run("filter_options", {}).iloc[0]
    as_of = options["as_of"].to_pydatetime()
    start, end = default_period(as_of)
    period = Filters(start, end, as_of)
    now, before = period.params(), period.previous().params()
    calls: list[Call] = [
        # Overview
        ("period_figures", now), ("period_figures", before),
        ("overview_severity", now), ("overview_severity", before),
        ("targets_attainment", now),
        ("overview_trend", {"grain": TREND_GRAIN, **now}),
        ("overview_incidents", {"limit": ROW_LIMIT, **now}),
        ("period_action_items", {"limit": ROW_LIMIT, **now}),
        # Recurrence
        ("recurrence_summary", now),
        ("recurrence_by_service", {"limit": ROW_LIMIT, **now}),
        ("recurrence_list", {"limit": ROW_LIMIT, **now}),
        # Follow-through
        ("follow_km_curve", {"group_by": "class", "groups": len(CLASS_ORDER), **now}),
        ("follow_km_summary", {"group_by": "class", **now}),
        ("follow_items", {"limit": ROW_LIMIT, **now}),
        ("follow_burnup", now),
        ("follow_overdue", {"limit": ROW_LIMIT, **now}),
        ("targets_items", {"which": "breached", "limit": ROW_LIMIT, **now}),
        ("targets_items", {"which": "near", "limit": ROW_LIMIT, **now}),
        # Strategic stalls
        ("stalls_summary", now),
        ("stalls_items", {"limit": ROW_LIMIT, **now}),
        ("stalls_status_time", now),
        ("targets_stalls", {"limit": ROW_LIMIT, **now}),
        ("targets_delay_totals", {"level": "service", **now}),
        ("targets_delay_totals", {"level": "team", **now}),
        ("stalls_aging", now),
        ("stalls_unowned", {"limit": ROW_LIMIT, **now}),
        # Owners and teams
        ("targets_postmortem_gaps", {"limit": ROW_LIMIT, **now}),
        # Incident explorer: every status, no search text.
        ("explorer_picker", {"text": "", "status": EXPLORER_STATUS, **now}),
        ("explorer_search", {"text": "", "status": EXPLORER_STATUS, "limit": ROW_LIMIT, **now}),
    ]
    # The aging chart's first bucket is the one whose items are listed first.
    aging = run("stalls_aging", now)
    if not aging.empty:
        first = aging.iloc[0]
        calls.append(("stalls_aging_items", {"limit": ROW_LIMIT, "low": int(first["low"]),
                                             "high": None if pd.isna(first["high"]) else int(first["high"]), **now}))
    # Each owners table lists the items of its first row's owner or team, under the opening figure.
    for per in ("team", "owner"):
        figures = {"per": per, **now}
        calls.append(("owners_figures", figures))
        rows = run("owners_figures", figures)
        if not rows.empty:
            calls.append(("owners_items", {"per": per, "who": rows.iloc[0]["accountable"],
                                           "figure": OWNER_FIGURE, "limit": ROW_LIMIT, **now}))
    # The Quarterly review opens on the last complete quarter, against the quarter before.
    quarters = run("quarterly_quarters", {})
    if not quarters.empty:
        q = quarters.iloc[opening_quarter(quarters["is_complete"])]
        shown = between(period, q["quarter_start"].to_pydatetime(), q["quarter_end"].to_pydatetime()).params()
        compared = between(period, q["previous_start"].to_pydatetime(), q["previous_end"].to_pydatetime()).params()
        calls += [("quarterly_km_curve", compared), ("quarterly_km_curve", shown),
                  ("period_figures", shown), ("period_figures", compared),
                  ("quarterly_recurring_services", {"limit": None, **shown}),
                  ("quarterly_stalled", {"limit": None, **shown}),
                  ("targets_attainment", shown),
                  ("quarterly_incidents", {"limit": ROW_LIMIT, **shown}),
                  ("period_action_items", {"limit": ROW_LIMIT, **shown})]
    return calls


def store(con: duckdb.DuckDBPyConnection, workers: int = 2) -> int:
    """Computes the default calls on the database `con` uses and keeps each result as a table of
    the schema `stored`, listed in stored.results; the number of results kept.

    The results that decide later parameters are computed first, one by one; the rest on `workers`
    cursors at once. Most of these queries are small, and planning one runs on a single core: two
    at a time took the stored views from 8.3-9.4 s to 6.8-7.8 s of a publish at 1,000,000 issues,
    and from 1.0-1.1 s to 0.7 s at 10,000. Every table's name is given before any runs, in the
    order of the calls, so a publish names them alike whichever finishes first.
    """
    con.execute(f"CREATE SCHEMA {SCHEMA}")
    con.execute(f"CREATE TABLE {INDEX} (query VARCHAR, call_key VARCHAR PRIMARY KEY, relation VARCHAR)")
    names: dict[str, tuple[str, str, dict]] = {}      # key -> (relation, query, params)

    def relation(name: str, params: dict) -> str:
        text = key(name, params)
        if text not in names:
            names[text] = (f"{SCHEMA}.r{len(names) + 1}", name, params)
        return names[text][0]

    built: set[str] = set()

    def build(cursor: duckdb.DuckDBPyConnection, name: str, params: dict) -> None:
        table = relation(name, params)
        # The query's own ORDER BY decides the rows' order; the table keeps it.
        cursor.execute(f"CREATE TABLE {table} AS {sql(name).rstrip().rstrip(';')}", params)
        built.add(table)

    def run(name: str, params: dict) -> pd.DataFrame:
        table = relation(name, params)
        if table not in built:
            build(con, name, params)
        return con.execute(f"SELECT * FROM {table}").df()

    for name, params in default_calls(run):
        relation(name, params)
    pending = [(name, params) for table, name, params in names.values() if table not in built]
    database, time_zone = con.execute("SELECT current_database(), current_setting('TimeZone')").fetchall()[0]

    def build_share(share: list[Call]) -> None:
        # A cursor is a connection of its own: it starts in the default database, not in `USE build`,
        # and in the machine's time zone, not the publish's UTC.
        with con.cursor() as cursor:
            cursor.execute(f'USE "{database}"')
            cursor.execute("SET TimeZone = ?", [time_zone])
            for name, params in share:
                build(cursor, name, params)

    with ThreadPoolExecutor(max_workers=workers) as pool:
        list(pool.map(build_share, [pending[i::workers] for i in range(workers)]))
    con.executemany(f"INSERT INTO {INDEX} VALUES (?, ?, ?)",
                    [[name, text, table] for text, (table, name, _) in names.items()])
    return len(names)


def index(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Key -> table of every stored result; empty for a file published before results were stored."""
    present = con.execute("SELECT count(*) FROM duckdb_tables() WHERE schema_name = ? AND table_name = 'results'",
                          [SCHEMA]).fetchall()[0][0]
    if not present:
        return {}
    return dict(con.execute(f"SELECT call_key, relation FROM {INDEX}").fetchall())
