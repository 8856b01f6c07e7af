"""Publish (raw JSON already stored -> published database) against the floor.

The measured step is the real `etl.publish.publish()` on the cached raw store. Its SQL models are
timed one by one by handing the real `etl.runner.run_models` a connection that times each
statement it executes: run_models executes macros.sql first and then one statement per
model, in order, so the n-th statement is the n-th model. Nothing about the publish is re-done
here; the remainder (config tables, counts, detach with its checkpoint, fsync, rename) is the
publish total minus the models.

The floor: DuckDB reading the same issues, written as NDJSON, once into a table with no modelling,
in a fresh database file: `CREATE TABLE t AS SELECT * FROM read_json(..., format='newline_delimited')`.
"""
from __future__ import annotations

import hashlib
import re
import time
from pathlib import Path

from bench.common import ROOT, Dataset, best_of


_DEFINES = re.compile(r"^\s*CREATE\s+OR\s+REPLACE\s+(?:TEMP\s+)?(?:TABLE|VIEW)\s+(?:\w+\.)?(\w+)\s+AS\b", re.I)
_DEFINES_MACRO = re.compile(r"CREATE\s+OR\s+REPLACE\s+(?:TEMP\s+)?MACRO\s+(?:\w+\.)?(\w+)\s*\(", re.I)


class _TimedConnection:
    """Forwards to a DuckDB connection, timing every `execute` and naming the model it defines.

    A statement is named after the object it creates (`CREATE OR REPLACE [TEMP] TABLE|VIEW x AS`,
    or the first macro of a macro file); anything else the runner executes on the way (helper
    lookups) is added to the model that follows it.
    """

    def __init__(self, con, model_names: dict[str, str], profile_dir: Path | None = None):
        self._con = con
        self._names = model_names          # object name -> "schema/file.sql"
        self.timings: dict[str, float] = {}
        self.statements = 0
        self._pending = 0.0
        self._profile_dir = profile_dir

    def _model_of(self, sql: str) -> str | None:
        if self.statements == 0:
            return "macros.sql"
        match = _DEFINES.match(sql) or _DEFINES_MACRO.search(sql[:4000])
        if match:
            return self._names.get(match.group(1).lower(), match.group(1).lower())
        return None

    def execute(self, *args, **kwargs):
        sql = args[0] if args else kwargs.get("query", "")
        model = self._model_of(sql) if isinstance(sql, str) else None
        if model and self._profile_dir is not None:
            path = self._profile_dir / (model.replace("/", "__") + ".json")
            self._con.execute("PRAGMA enable_profiling = 'json'")
            self._con.execute(f"PRAGMA profiling_output = '{path}'")
        started = time.perf_counter()
        try:
            return self._con.execute(*args, **kwargs)
        finally:
            elapsed = time.perf_counter() - started
            self.statements += 1
            if model:
                self.timings[model] = self.timings.get(model, 0.0) + self._pending + elapsed
                self._pending = 0.0
            else:
                self._pending += elapsed
            if model and self._profile_dir is not None:
                self._con.execute("PRAGMA disable_profiling")

    def __getattr__(self, name):
        return getattr(self._con, name)


def task_publish(warehouse: str, target: str, profile_dir: str | None = None, settings: dict | None = None) -> dict:
    """The real publish; `settings` (DuckDB SET name = value, for experiments) go on the raw store's connection."""
    import etl.publish as publish_module
    from etl.config import DEMO_CONFIG, load_config
    from etl.rawstore import RawStore
    from etl.runner import declared_models, run_models

    cfg = load_config(DEMO_CONFIG)
    names = {m.name.lower(): m.label for m in declared_models()}
    timed: list[_TimedConnection] = []
    profile = Path(profile_dir) if profile_dir else None
    if profile:
        profile.mkdir(parents=True, exist_ok=True)

    def timed_run_models(con, *args, **kwargs):
        proxy = _TimedConnection(con, names, profile)
        timed.append(proxy)
        return run_models(proxy, *args, **kwargs)

    publish_module.run_models = timed_run_models
    Path(target).unlink(missing_ok=True)
    started = time.monotonic()
    with RawStore(warehouse) as store:
        for name, value in (settings or {}).items():
            store.con.execute(f"SET {name} = '{value}'")
        opened = time.monotonic()
        result = publish_module.publish(cfg, store, target=Path(target))
        published = time.monotonic()
    seconds = time.monotonic() - started
    models = timed[0].timings
    if timed[0]._pending:
        models["(other statements)"] = timed[0]._pending
    return {"seconds": seconds, "open_seconds": opened - started, "publish_seconds": published - opened,
            "models": models, "model_order": list(names.values()),
            "models_fingerprint": models_fingerprint(), "issues": result.issues,
            "incidents": result.incidents, "action_items": result.action_items,
            "quarantined": result.quarantined, "size_bytes": Path(target).stat().st_size}


def models_fingerprint() -> str:
    """Which state of the SQL models (and runner) was measured: they change between runs."""
    digest = hashlib.md5()
    for path in sorted((ROOT / "etl" / "models").rglob("*")) + [ROOT / "etl" / "runner.py", ROOT / "etl" / "publish.py"]:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def task_floor(ndjson: str, target: str) -> dict:
    import duckdb

    for stale in (Path(target), Path(target + ".wal")):
        stale.unlink(missing_ok=True)
    started = time.monotonic()
    con = duckdb.connect(target)
    con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format = 'newline_delimited')", [ndjson])
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    seconds = time.monotonic() - started
    return {"seconds": seconds, "rows": rows, "size_bytes": Path(target).stat().st_size}


def measure(ds: Dataset, profile: bool = False, log=print, repeat: int = 1) -> dict:
    """Publish and floor for one dataset, each the fastest of `repeat` runs; the published file is
    kept for the other parts."""
    log(f"  publish {ds.issues:,} issues ...")
    pub, pub_runs = best_of(repeat, "publish", log=log, warehouse=str(ds.warehouse), target=str(ds.published),
                            profile_dir=str(ds.folder / "profile") if profile else None)
    log(f"    {pub.seconds:.1f} s, peak {pub.peak_mb:.0f} MB")
    log("  floor (read_json of the NDJSON) ...")
    floor_db = ds.folder / "floor.duckdb"
    floor, floor_runs = best_of(repeat, "floor", log=log, ndjson=str(ds.ndjson), target=str(floor_db))
    for stale in (floor_db, floor_db.with_name(floor_db.name + ".wal")):
        stale.unlink(missing_ok=True)
    log(f"    {floor.seconds:.1f} s, peak {floor.peak_mb:.0f} MB")
    assert floor.result["rows"] == ds.issues, (floor.result["rows"], ds.issues)
    return {
        "issues": ds.issues, "incidents": ds.incidents, "ndjson_bytes": ds.ndjson_bytes, "generator": ds.generator,
        "publish_seconds": pub.seconds, "publish_peak_mb": pub.peak_mb,
        "publish_models": pub.result["models"], "publish_open_seconds": pub.result["open_seconds"],
        "model_order": pub.result["model_order"], "models_fingerprint": pub.result["models_fingerprint"],
        "published_bytes": pub.result["size_bytes"], "published_issues": pub.result["issues"],
        "published_incidents": pub.result["incidents"], "published_action_items": pub.result["action_items"],
        "quarantined": pub.result["quarantined"],
        "publish_cpu_seconds": pub.cpu_seconds, "publish_load": pub.load, "publish_runs": pub_runs,
        "floor_runs": floor_runs,
        "floor_seconds": floor.seconds, "floor_peak_mb": floor.peak_mb,
        "floor_cpu_seconds": floor.cpu_seconds, "floor_load": floor.load,
        "ratio_to_floor": pub.seconds / floor.seconds,
    }


def summarise_profiles(folder: Path, top: int = 6) -> dict[str, list[tuple[float, str]]]:
    """The costliest operators of each model from DuckDB's JSON profiles (written with --profile)."""
    import json

    out = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            tree = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        operators: list[tuple[float, str]] = []

        def walk(node):
            # The JSON profile's keys differ between DuckDB versions; both spellings are read.
            timing = node.get("timing", node.get("operator_timing"))
            name = node.get("type") or node.get("operator_type") or node.get("operator_name")
            rows = node.get("intermediate_rows", node.get("operator_cardinality", "?"))
            if timing is not None and name:
                info = node.get("extra_info") or {}
                detail = ""
                if isinstance(info, dict):
                    detail = "; ".join(f"{k}: {str(v)[:200]}" for k, v in info.items()
                                       if k in ("Projections", "Expressions", "Aggregates", "Function", "Table",
                                                "Groups", "Join Type", "Conditions", "Filters", "Partition By",
                                                "Order By"))
                operators.append((float(timing), f"{str(name).strip()} [{rows} rows] {detail}"))
            for child in node.get("children", []) + node.get("operator", []):
                walk(child)

        walk(tree)
        out[path.stem.replace("__", "/")] = sorted(operators, reverse=True)[:top]
    return out
