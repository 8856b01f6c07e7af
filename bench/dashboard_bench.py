"""Every page of app.py rendered through Streamlit's AppTest on a published database.

For each page: cold (Streamlit's caches cleared, a fresh AppTest, so a fresh session and a fresh
DuckDB connection) and warm (the same AppTest run again: cached queries, same session); then cold
again on a shared link's period (`from`/`to` in the address) that no stored view holds, so every
query over the selection is computed, as it is for anyone who picks a period of their own. The
bytes a page sends are the serialised ForwardMsgs of the run: AppTest's LocalScriptRunner
collects every message the script enqueues and hands the list to `parse_tree_from_messages`,
which is wrapped here to keep them. They are the protobuf bytes the server writes to the
websocket, before any websocket compression; files behind download buttons are fetched only on
click and are not in them; AppTest keeps every dataframe eager, so the rows of each table are
all counted (a browser may receive long tables in chunks).

Each query the page runs (`followthrough.db.query`) is timed too, so a slow page can be followed
to its slow query. All pages run in one child process; its peak memory is reported as well.
"""
from __future__ import annotations

import os
import re
import time
from datetime import timedelta

from bench.common import ROOT, run_child



def app_pages() -> list[tuple[str, str]]:
    """(script, title) of every st.Page in app.py, in its order."""
    text = (ROOT / "app.py").read_text()
    pages = re.findall(r'st\.Page\(\s*"([^"]+)"\s*,\s*title\s*=\s*"([^"]+)"', text)
    if not pages:
        raise RuntimeError("found no st.Page(...) in app.py")
    return pages


def task_dashboard(published: str, pages: list[list[str]], warm_runs: int = 3,
                   query_params: dict | None = None) -> dict:
    os.environ["FOLLOWTHROUGH_DB"] = published
    import importlib
    import pkgutil

    import streamlit as st
    import streamlit.testing.v1.local_script_runner as local_runner
    from streamlit.testing.v1 import AppTest

    import followthrough
    import followthrough.db as db

    # Import the dashboard's modules now, so their `query` can be wrapped before any page runs.
    for info in pkgutil.walk_packages(followthrough.__path__, "followthrough."):
        importlib.import_module(info.name)

    captured: list[list] = []
    parse = local_runner.parse_tree_from_messages

    def keep_messages(messages):
        captured.append(list(messages))
        return parse(messages)

    local_runner.parse_tree_from_messages = keep_messages

    calls: list[dict] = []
    original_query = db.query

    def timed_query(name: str, **params):
        started = time.perf_counter()
        try:
            return original_query(name, **params)
        finally:
            calls.append({"query": name, "seconds": time.perf_counter() - started})

    import sys
    for module in list(sys.modules.values()):
        if getattr(module, "__name__", "").startswith("followthrough") and getattr(module, "query", None) is original_query:
            module.query = timed_query

    def run(at: AppTest) -> dict:
        del calls[:]
        captured.clear()
        started = time.perf_counter()
        at.run()
        seconds = time.perf_counter() - started
        messages = captured[-1] if captured else []
        sizes = []
        for message in messages:
            kind = message.WhichOneof("type")
            if kind == "delta":
                delta = message.delta
                which = delta.WhichOneof("type")
                if which == "new_element":
                    kind = "element:" + delta.new_element.WhichOneof("type")
                else:
                    kind = "delta:" + str(which)
            sizes.append((message.ByteSize(), kind))
        by_kind: dict[str, list] = {}
        for size, kind in sizes:
            entry = by_kind.setdefault(kind, [0, 0])
            entry[0] += 1
            entry[1] += size
        # An exception's message is redacted in the element; the last line of its trace says what it was.
        problems = [(e.stack_trace[-1] if e.stack_trace else e.value) for e in at.exception]
        problems += [e.value for e in at.error]
        queries: dict[str, list] = {}
        for call in calls:
            entry = queries.setdefault(call["query"], [0, 0.0])
            entry[0] += 1
            entry[1] += call["seconds"]
        return {"seconds": seconds, "bytes": sum(s for s, _ in sizes), "messages": len(sizes),
                "largest": sorted(sizes, reverse=True)[:5], "by_kind": by_kind,
                "query_seconds": sum(c["seconds"] for c in calls), "queries": queries,
                "problems": [str(p)[:300] for p in problems], "title": [t.value for t in at.title][:1]}

    def fresh(page: str) -> AppTest:
        # A new session. AppTest must run the app once before switch_page (before that it would
        # run the page script on its own, as a pages/ folder app, without app.py's sidebar); the
        # caches are cleared after that run, so the measured run starts cold.
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=900)
        at.query_params.update(query_params or {})
        at.run()
        st.cache_data.clear()
        st.cache_resource.clear()
        at.switch_page(page)
        return at

    # Warm-up, not measured: the first run in a process pays for imports (plotly, pyarrow, ...)
    # that a running dashboard paid for once at start.
    run(fresh(pages[0][0]))

    started = time.monotonic()
    out = {}
    for script, title in pages:
        at = fresh(script)
        cold = run(at)
        warm = [run(at) for _ in range(warm_runs)]
        out[title] = {"script": script, "cold": cold}
        if warm:
            out[title] |= {"warm": min(warm, key=lambda r: r["seconds"]), "warm_all": [w["seconds"] for w in warm]}
    return {"seconds": time.monotonic() - started, "pages": out}


def own_period(published: str) -> dict:
    """The address of a link shared half a year ago: the twelve months that ended 182 days before the
    as-of date, and for the Quarterly review, which takes its quarter from the address and not from
    the period, the quarter that period began in. The stored views hold the default twelve months,
    the twelve before them and the quarters the Quarterly review opens on; these are none of those."""
    import duckdb

    from followthrough.selection import default_period
    with duckdb.connect(published, read_only=True) as con:
        as_of = con.execute("SELECT as_of FROM marts.build_info").fetchall()[0][0]
    start, end = (day - timedelta(days=182) for day in default_period(as_of))
    return {"from": start.isoformat(), "to": end.isoformat(), "quarter": f"{start.year}Q{(start.month - 1) // 3 + 1}"}


def measure(ds, log=print, warm_runs: int = 3, repeat: int = 1) -> dict:
    """All pages, `repeat` times over (a fresh process each time); per page the fastest cold and warm
    runs count, other work on the machine only ever making a run slower."""
    if not ds.published.exists():
        raise RuntimeError(f"no published database at {ds.published}: run the publish part for this size first")
    pages = app_pages()
    log(f"  dashboard: {len(pages)} pages on {ds.issues:,} issues ...")
    own = own_period(str(ds.published))
    runs, own_runs = [], []
    # Alternated, so that a busy spell on the machine does not fall on one kind of run only.
    for _ in range(max(1, repeat)):
        runs.append(run_child("dashboard", published=str(ds.published), pages=[list(p) for p in pages],
                              warm_runs=warm_runs))
        own_runs.append(run_child("dashboard", published=str(ds.published), pages=[list(p) for p in pages],
                                  warm_runs=0, query_params=own))
    merged = {}
    for title in runs[0].result["pages"]:
        tries = [r.result["pages"][title] for r in runs]
        best = dict(min(tries, key=lambda p: p["cold"]["seconds"]))
        best["warm"] = min((p["warm"] for p in tries), key=lambda w: w["seconds"])
        best["cold_runs"] = [round(p["cold"]["seconds"], 3) for p in tries]
        best["own_period"] = min((r.result["pages"][title]["cold"] for r in own_runs), key=lambda c: c["seconds"])
        merged[title] = best
    record = {"issues": ds.issues, "incidents": ds.incidents, "generator": ds.generator,
              "peak_mb": max(r.peak_mb for r in runs), "load": [r.load for r in runs], "pages": merged,
              "own_period": own}
    for title, page in record["pages"].items():
        flag = "" if not page["cold"]["problems"] else f"  PROBLEMS: {page['cold']['problems']}"
        log(f"    {title:<18} cold {page['cold']['seconds']:.2f} s  warm {page['warm']['seconds']:.3f} s  "
            f"own period cold {page['own_period']['seconds']:.2f} s  {page['cold']['bytes'] / 1024:.0f} KB{flag}")
    return record
