"""The alternative a user would write: a plain pandas notebook over the same issues' NDJSON.

What a competent analyst does in a notebook without Followthrough: read the file line by line with
json.loads, keep the fields they need (not the whole payloads, which would not fit at a million
issues), make DataFrames, classify issues with the same rules as the demo configuration, rebuild
the status periods from the changelog and compute time-to-close figures with groupby: the median
days to close per class over closed items and the share of each class closed within 30/60/90
days. No Kaplan-Meier, no recurrence, no cost of delay: far less than the publish does.

`compare()` checks that these figures agree with the published marts (issue, incident, action
item and status period counts; the per-class figures recomputed from marts.action_items the same
naive way), so the speed and memory comparison is between two computations of the same numbers.
"""
from __future__ import annotations

import json
import time

# The demo configuration (etl/demo/followthrough.demo.toml), as a notebook would hard-code it.
INCIDENT_PROJECT, INCIDENT_TYPE = "OPS", "Incident"
ACTION_LABEL = "postmortem-action"
STRATEGIC_LABEL, OPERATIONAL_LABEL, STRATEGIC_TYPE = "strategic", "operational", "Epic"
WITHIN = (30, 60, 90)


def notebook(path: str) -> dict:
    """The notebook, cell after cell. Returns the figures it arrives at."""
    import pandas as pd

    # -- cell 1: read the export ------------------------------------------------------------------
    rows, changes = [], []
    with open(path) as f:
        for line in f:
            issue = json.loads(line)
            fields = issue["fields"]
            rows.append({
                "id": issue["id"],
                "key": issue["key"],
                "project": fields["project"]["key"],
                "type": fields["issuetype"]["name"],
                "labels": fields.get("labels") or [],
                "status": fields["status"]["name"],
                "status_category": fields["status"]["statusCategory"]["key"],
                "created": fields["created"],
                "resolved": fields.get("resolutiondate"),
            })
            for history in (issue.get("changelog") or {}).get("histories", []):
                for item in history["items"]:
                    if item["field"] == "status":
                        changes.append({"id": issue["id"], "history_id": int(history["id"]),
                                        "changed": history["created"],
                                        "from": item["fromString"], "to": item["toString"]})
    issues = pd.DataFrame(rows)
    transitions = pd.DataFrame(changes)
    del rows, changes

    # -- cell 2: types ----------------------------------------------------------------------------
    issues["created"] = pd.to_datetime(issues["created"], utc=True, format="ISO8601")
    issues["resolved"] = pd.to_datetime(issues["resolved"], utc=True, format="ISO8601")
    transitions["changed"] = pd.to_datetime(transitions["changed"], utc=True, format="ISO8601")
    as_of = max(issues["created"].max(), transitions["changed"].max())

    # -- cell 3: what is what ---------------------------------------------------------------------
    is_incident = (issues["project"] == INCIDENT_PROJECT) & (issues["type"] == INCIDENT_TYPE)
    is_action = ~is_incident & issues["labels"].map(lambda labels: ACTION_LABEL in labels)
    issues["kind"] = "other"
    issues.loc[is_incident, "kind"] = "incident"
    issues.loc[is_action, "kind"] = "action_item"
    strategic = issues["labels"].map(lambda labels: STRATEGIC_LABEL in labels) | (issues["type"] == STRATEGIC_TYPE)
    operational = issues["labels"].map(lambda labels: OPERATIONAL_LABEL in labels)
    issues["class"] = "unclassified"
    issues.loc[operational, "class"] = "operational"
    issues.loc[strategic, "class"] = "strategic"

    # -- cell 4: status periods from the changelog ------------------------------------------------
    transitions = transitions.sort_values(["id", "changed", "history_id"], kind="stable")
    transitions["ended"] = transitions.groupby("id")["changed"].shift(-1)
    later = transitions.rename(columns={"to": "status", "changed": "started"})[["id", "status", "started", "ended"]]
    first = transitions.groupby("id", sort=False).head(1).merge(issues[["id", "created"]], on="id")
    first = pd.DataFrame({"id": first["id"], "status": first["from"], "started": first["created"],
                          "ended": first["changed"]})
    unchanged = issues.loc[~issues["id"].isin(transitions["id"]), ["id", "status", "created"]]
    unchanged = unchanged.rename(columns={"created": "started"})
    unchanged["ended"] = pd.Series(pd.NaT, index=unchanged.index, dtype=transitions["changed"].dtype)
    periods = pd.concat([first, later, unchanged], ignore_index=True)
    periods["days"] = ((periods["ended"].fillna(as_of) - periods["started"]).dt.total_seconds() / 86400).clip(lower=0)
    time_in_status = periods.merge(issues[["id", "kind"]], on="id").groupby(["kind", "status"])["days"].agg(
        ["count", "median", "sum"])

    # -- cell 5: time to close --------------------------------------------------------------------
    items = issues[issues["kind"] == "action_item"].copy()
    last_move = transitions.groupby("id")["changed"].max()
    done = items["status_category"] == "done"
    items["closed"] = items["resolved"].where(done)
    missing = done & items["closed"].isna()
    items.loc[missing, "closed"] = items.loc[missing, "id"].map(last_move)
    items["days_to_close"] = (items["closed"] - items["created"]).dt.total_seconds() / 86400
    by_class = items.groupby("class")
    figures = by_class["days_to_close"].median().rename("median_days").to_frame()
    figures["items"] = by_class.size()
    figures["closed"] = by_class["closed"].count()
    for days in WITHIN:
        figures[f"closed_within_{days}"] = (items["days_to_close"] <= days).groupby(items["class"]).mean()

    return {
        "issues": len(issues),
        "incidents": int(is_incident.sum()),
        "action_items": int(is_action.sum()),
        "status_periods": len(periods),
        "status_rows_in_time_in_status": int(time_in_status["count"].sum()),
        "by_class": {cls: {k: (None if pd.isna(v) else float(v)) for k, v in row.items()}
                     for cls, row in figures.iterrows()},
    }


def task_pandas(ndjson: str) -> dict:
    import pandas  # noqa: F401  (imported before the clock starts, as a notebook's first cell)

    started = time.monotonic()
    figures = notebook(ndjson)
    return {"seconds": time.monotonic() - started, "figures": figures}


def task_marts_figures(published: str) -> dict:
    """The same figures from the published marts, computed the same naive way."""
    import duckdb

    started = time.monotonic()
    con = duckdb.connect(published, read_only=True)
    one = lambda sql: con.execute(sql).fetchall()[0][0]  # noqa: E731
    within = ", ".join(f"avg(coalesce(days_to_close <= {d}, false)::int) as closed_within_{d}" for d in WITHIN)
    by_class = con.execute(f"""
        select class, median(days_to_close) as median_days, count(*) as items, count(closed_at) as closed, {within}
        from marts.action_items group by class order by class""").fetchall()
    names = ["median_days", "items", "closed"] + [f"closed_within_{d}" for d in WITHIN]
    figures = {
        "issues": one("select count(*) from marts.issues"),
        "incidents": one("select count(*) from marts.incidents"),
        "action_items": one("select count(*) from marts.action_items"),
        "status_periods": one("select count(*) from marts.status_periods"),
        "by_class": {row[0]: {n: (None if v is None else float(v)) for n, v in zip(names, row[1:])} for row in by_class},
    }
    con.close()
    return {"seconds": time.monotonic() - started, "figures": figures}


def compare(ours: dict, theirs: dict) -> list[str]:
    """Where the notebook's figures differ from the marts'; empty when they agree."""
    problems = []
    for name in ("issues", "incidents", "action_items", "status_periods"):
        if ours[name] != theirs[name]:
            problems.append(f"{name}: marts {ours[name]:,}, pandas {theirs[name]:,}")
    for cls in sorted(set(ours["by_class"]) | set(theirs["by_class"])):
        a, b = ours["by_class"].get(cls), theirs["by_class"].get(cls)
        if a is None or b is None:
            problems.append(f"class {cls}: only in {'pandas' if a is None else 'marts'}")
            continue
        for name, value in a.items():
            other = b.get(name)
            if value is None or other is None:
                if value is not other:
                    problems.append(f"{cls} {name}: marts {value}, pandas {other}")
            elif abs(value - other) > 1e-6 * max(1.0, abs(value)):
                problems.append(f"{cls} {name}: marts {value:.6g}, pandas {other:.6g}")
    return problems


def measure(ds, log=print, repeat: int = 1) -> dict:
    from bench.common import best_of, run_child

    log(f"  pandas notebook on {ds.issues:,} issues ...")
    pandas_run, runs = best_of(repeat, "pandas", log=log, ndjson=str(ds.ndjson))
    log(f"    {pandas_run.seconds:.1f} s, peak {pandas_run.peak_mb:.0f} MB")
    record = {"issues": ds.issues, "pandas_seconds": pandas_run.seconds, "pandas_peak_mb": pandas_run.peak_mb,
              "pandas_cpu_seconds": pandas_run.cpu_seconds, "pandas_load": pandas_run.load, "pandas_runs": runs,
              "pandas_figures": pandas_run.result["figures"]}
    if ds.published.exists():
        marts = run_child("marts_figures", published=str(ds.published)).result["figures"]
        record["marts_figures"] = marts
        record["disagreements"] = compare(marts, pandas_run.result["figures"])
        log("    figures agree with the marts" if not record["disagreements"]
            else "    DISAGREE: " + "; ".join(record["disagreements"]))
    return record
