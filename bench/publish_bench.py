"""Publish (raw JSON already stored -> published database) against the floor.

The measured step is the real `etl.publish.publish()` on the cached raw store. Its SQL models are
timed one by one by handing the real `etl.runner.run_models` a connection that times each
statement it executes: run_models executes macros.sql first and then one statement per
model, in order, so the n-th statement is the n-th model. Nothing about the publish is re-done
here; the remainder (config tables, counts, detach with its checkpoint, fsync, rename) is the
publish total minus the models.

The measured publish is a full one (`full=True`: every payload parsed again, the parse cache beside
the raw store written anew). The incremental row starts from there, as the night after would: the
raw store and its parse cache are copied aside, a load that changes `CHANGED` of the issues (a new
version each: a later `updated` and an edited summary) is stored, and the timed step is the publish
that follows, which parses only those versions; the same copy is then published in full, and both
must give the same counts.

The floor: DuckDB reading the same issues, written as NDJSON, once into a table with no modelling,
in a fresh database file: `CREATE TABLE t AS SELECT * FROM read_json(..., format='newline_delimited')`.

The write floor: every table of the published file copied into a fresh database file, with nothing
computed. A publish writes a new file, so however few issues changed, it cannot take less than
this; the incremental row is read against it.
"""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from pathlib import Path

from bench.common import ROOT, Dataset, best_of


CHANGED = 0.01          # the share of issues a nightly sync is taken to change
STORED = "followthrough/stored.py (the pages' default views)"
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


def task_publish(warehouse: str, target: str, profile_dir: str | None = None, settings: dict | None = None,
                 full: bool = True) -> dict:
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
    stored_seconds = []
    store_views = publish_module.stored.store

    def timed_store(con):
        started = time.perf_counter()
        try:
            return store_views(con)
        finally:
            stored_seconds.append(time.perf_counter() - started)

    publish_module.stored.store = timed_store
    Path(target).unlink(missing_ok=True)
    started = time.monotonic()
    with RawStore(warehouse) as store:
        for name, value in (settings or {}).items():
            store.con.execute(f"SET {name} = '{value}'")
        opened = time.monotonic()
        result = publish_module.publish(cfg, store, target=Path(target), full=full)
        published = time.monotonic()
    seconds = time.monotonic() - started
    # The tables an incremental model makes on the way (the relation its keys are from, read once;
    # the keys it deletes against; its new rows) are its own statements, counted with the model.
    models: dict[str, float] = {}
    for name, spent in timed[0].timings.items():
        stem, _, suffix = name.rpartition("__")
        name = names.get(stem, name) if stem and suffix in ("from", "keys", "new") else name
        models[name] = models.get(name, 0.0) + spent
    if timed[0]._pending:
        models["(other statements)"] = timed[0]._pending
    models[STORED] = sum(stored_seconds)
    return {"seconds": seconds, "open_seconds": opened - started, "publish_seconds": published - opened,
            "models": models, "model_order": list(names.values()),
            "models_fingerprint": models_fingerprint(), "issues": result.issues,
            "incidents": result.incidents, "action_items": result.action_items,
            "quarantined": result.quarantined, "size_bytes": Path(target).stat().st_size}


def task_publish_changed(warehouse: str, folder: str, target: str, full: bool) -> dict:
    """Copies the raw store and its parse cache to `folder`, stores a load that changes CHANGED of
    the issues, then times the real publish of it (`full` or not) as task_publish does."""
    from etl.demo.generate import DEMO_AS_OF
    from etl.publish import cache_path
    from etl.rawstore import RawStore

    work = Path(folder)
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    copy = work / Path(warehouse).name
    for source, destination in ((Path(warehouse), copy), (cache_path(Path(warehouse)), cache_path(copy))):
        shutil.copyfile(source, destination)
    every = round(1 / CHANGED)
    with RawStore(copy) as store:
        texts = []
        for (payload,) in store.con.execute(f"SELECT payload FROM raw_issues WHERE seq % {every} = 0").fetchall():
            issue = json.loads(payload)
            issue["fields"]["updated"] = "2026-11-01T12:00:00.000+0000"
            issue["fields"]["summary"] = f"{issue['fields'].get('summary') or ''} (edited)"
            texts.append(json.dumps(issue, separators=(",", ":")))
        load_id = store.begin_load("json", "bench: issues changed by a nightly sync")
        changed = store.add_issue_texts(load_id, texts, DEMO_AS_OF.replace(tzinfo=None))
        store.finish_load(load_id, "done", {"issues": changed})
    result = task_publish(str(copy), target, full=full)
    shutil.rmtree(work, ignore_errors=True)
    return dict(result, changed_versions=changed)


def models_fingerprint() -> str:
    """Which state of the SQL models, the stored default views and the runner was measured: they
    change between runs."""
    digest = hashlib.md5()
    for path in (sorted((ROOT / "etl" / "models").rglob("*")) + sorted((ROOT / "followthrough" / "queries").glob("*.sql"))
                 + [ROOT / "etl" / "runner.py", ROOT / "etl" / "publish.py", ROOT / "followthrough" / "stored.py"]):
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def _fresh_database(target: str):
    """A connection to a new DuckDB file at `target`: a floor is measured writing from nothing."""
    import duckdb

    for stale in (Path(target), Path(target + ".wal")):
        stale.unlink(missing_ok=True)
    return duckdb.connect(target)


def task_floor(ndjson: str, target: str) -> dict:
    con = _fresh_database(target)
    started = time.monotonic()
    con.execute("CREATE TABLE t AS SELECT * FROM read_json(?, format = 'newline_delimited')", [ndjson])
    rows = con.execute("SELECT count(*) FROM t").fetchall()[0][0]
    con.close()
    seconds = time.monotonic() - started
    return {"seconds": seconds, "rows": rows, "size_bytes": Path(target).stat().st_size}


def task_write_floor(published: str, target: str) -> dict:
    con = _fresh_database(target)
    started = time.monotonic()
    con.execute("ATTACH ? AS published (READ_ONLY)", [published])
    # A published file has no deleted rows, so the catalog's estimate is its row count.
    tables = con.execute("SELECT schema_name, table_name, estimated_size FROM duckdb_tables() "
                         "WHERE database_name = 'published'").fetchall()
    for schema, table, _ in tables:
        con.execute(f'CREATE SCHEMA IF NOT EXISTS "{schema}"')
        con.execute(f'CREATE TABLE "{schema}"."{table}" AS SELECT * FROM published."{schema}"."{table}"')
    con.execute("DETACH published")
    con.close()
    seconds = time.monotonic() - started
    rows = sum(size for _, _, size in tables)
    size = Path(target).stat().st_size
    Path(target).unlink()
    return {"seconds": seconds, "tables": len(tables), "rows": rows, "size_bytes": size}


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
    log("  write floor (the published tables copied into a fresh file) ...")
    write, write_runs = best_of(repeat, "write_floor", log=log, published=str(ds.published),
                                target=str(ds.folder / "write_floor.duckdb"))
    log(f"    {write.seconds:.1f} s for {write.result['tables']} tables, {write.result['rows']:,} rows")
    runs = {}
    for full in (False, True):
        log(f"  publish after {CHANGED:.0%} of the issues changed ({'full' if full else 'incremental'}) ...")
        runs[full], _ = best_of(repeat, "publish_changed", log=log, warehouse=str(ds.warehouse),
                                folder=str(ds.folder / "changed"), target=str(ds.folder / "changed.duckdb"), full=full)
        log(f"    {runs[full].seconds:.1f} s, peak {runs[full].peak_mb:.0f} MB")
    Path(ds.folder / "changed.duckdb").unlink(missing_ok=True)
    incremental, full_after = runs[False], runs[True]
    counts = ("issues", "incidents", "action_items", "quarantined")
    assert [incremental.result[c] for c in counts] == [full_after.result[c] for c in counts], \
        (incremental.result, full_after.result)
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
        "write_floor_seconds": write.seconds, "write_floor_cpu_seconds": write.cpu_seconds,
        "write_floor_runs": write_runs, "write_floor_tables": write.result["tables"],
        "write_floor_rows": write.result["rows"],
        "changed_versions": incremental.result["changed_versions"],
        "incremental_seconds": incremental.seconds, "incremental_cpu_seconds": incremental.cpu_seconds,
        "incremental_peak_mb": incremental.peak_mb, "incremental_models": incremental.result["models"],
        "changed_full_seconds": full_after.seconds, "changed_full_cpu_seconds": full_after.cpu_seconds,
        "incremental_ratio": incremental.seconds / full_after.seconds,
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
