"""Builds a fresh dashboard database from the raw store and swaps it in atomically.

The build goes to a temporary file beside the published one and is renamed over it only when
every model succeeded. A dashboard that has the old file open keeps its inode and keeps working;
its next connection sees the new file. A failed build leaves the published file untouched.

Payloads parsed by an earlier publish are kept in the parse cache, a DuckDB file beside the raw
store (`warehouse.parsed.duckdb` beside `warehouse.duckdb`) that only the ETL opens: it holds the
incremental models' rows (see etl/runner.py). It is a cache and nothing more: every row in it is
what the models make of one stored payload version under one recorded definition, so a publish
stopped at any point (kill -9 included) leaves it true, and deleting it only costs the next publish
the parsing. `full` builds it anew from the raw store.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from datapaths import published_path
from etl.config import Config
from etl.config_tables import config_tables, schema_ddl
from etl.durable import alive, fsync
from etl.errors import UserError
from etl.rawstore import RawStore
from etl.runner import CACHE, MODELS_DIR, ModelError, run_models
from followthrough import stored

VACUUM_AT_DEAD_SHARE = 0.25


@dataclass(frozen=True)
class PublishResult:
    path: Path
    as_of: datetime
    issues: int
    incidents: int
    action_items: int
    quarantined: int


def publish(cfg: Config, store: RawStore, as_of: datetime | None = None,
            target: Path | None = None, models_dir: Path = MODELS_DIR, full: bool = False) -> PublishResult:
    """`full` parses every payload again instead of reusing the parse cache."""
    target = Path(target) if target else published_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    build = target.with_name(f".build-{os.getpid()}-{target.name}")
    _remove_abandoned_builds(target)
    con = store.con
    attached = False
    try:
        _attach_cache(con, cache_path(store.path))
        _vacuum_cache_only_when_due(con)
        con.execute("ATTACH ? AS build", [str(build)])
        attached = True
        con.execute("USE build")
        _write_config(con, cfg, as_of)
        run_models(con, models_dir, full=full)
        stored.store(con)
        counts = con.execute("""
            SELECT as_of,
                   (SELECT count(*) FROM marts.issues),
                   (SELECT count(*) FROM marts.incidents),
                   (SELECT count(*) FROM marts.action_items),
                   (SELECT count(*) FROM marts.quarantine)
            FROM marts.build_info""").fetchall()[0]
        con.execute("USE raw")
        con.execute("DETACH build")
        attached = False
        fsync(build)
        os.replace(build, target)
        fsync(target.parent)
    except (duckdb.Error, OSError, ModelError) as exc:
        raise UserError(f"publishing failed and {target} was left as it was: {_first_line(exc)}") from None
    finally:
        if attached:
            _discard_build(con)
        _detach_cache(con)
        _remove(build)
    return PublishResult(target, *counts)


def cache_path(raw_store: Path) -> Path:
    return raw_store.with_name(f"{raw_store.stem}.parsed{raw_store.suffix or '.duckdb'}")


def _attach_cache(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """A cache file DuckDB cannot open (damaged, or written by another program) is started afresh:
    nothing in it is lost that the raw store cannot give again."""
    try:
        con.execute(f"ATTACH ? AS {CACHE}", [str(path)])
    except duckdb.Error:
        con.execute(f"DETACH DATABASE IF EXISTS {CACHE}")
        _remove(path)
        con.execute(f"ATTACH ? AS {CACHE}", [str(path)])


def _vacuum_cache_only_when_due(con: duckdb.DuckDBPyConnection) -> None:
    """A checkpoint vacuums every table rows were deleted from since the one before, merging its row
    groups: with 1 % of the versions replaced, DuckDB rewrote each row group of issue_documents to
    save one of them, 3.6-4.2 s of a 38 s publish at 1,000,000 issues. So the publish that adds to
    the cache vacuums it only when a quarter of the rows one of its tables stores are deleted ones:
    about every 25th at 1 % a day. Vacuuming stays off until the cache is detached (it checkpoints)."""
    for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [CACHE]).fetchall():
        # Every segment of a table's first column together holds each row it stores, deleted or not.
        rows_stored, rows_live = con.execute(f"""
            SELECT (SELECT max(rows) FROM (SELECT sum("count") AS rows FROM pragma_storage_info('{CACHE}.main.{table}')
                                           WHERE column_path = '[0]' GROUP BY segment_type = 'VALIDITY')),
                   (SELECT count(*) FROM {CACHE}.main.{table})""").fetchall()[0]
        if rows_stored and (rows_stored - rows_live) / rows_stored >= VACUUM_AT_DEAD_SHARE:
            return
    con.execute("SET max_vacuum_tasks = 0")


def _detach_cache(con: duckdb.DuckDBPyConnection) -> None:
    try:
        con.execute(f"DETACH DATABASE IF EXISTS {CACHE}")
    except duckdb.Error:
        pass  # the publish's own error, if any, is the one to report
    try:
        # The detach was the cache's last checkpoint; the raw store's connection stays open.
        con.execute("RESET max_vacuum_tasks")
    except duckdb.Error:
        pass


def _write_config(con: duckdb.DuckDBPyConnection, cfg: Config, as_of: datetime | None) -> None:
    con.execute("CREATE SCHEMA config; CREATE SCHEMA staging; CREATE SCHEMA marts;")
    con.execute(schema_ddl())
    tables = config_tables(cfg)
    # The as-of override belongs to this publish, not to the configuration.
    tables["settings"][0]["as_of_override"] = as_of.replace(tzinfo=None) if as_of else None
    for table, rows in tables.items():
        for row in rows:
            columns = ", ".join(f'? AS "{name}"' for name in row)
            con.execute(f"INSERT INTO config.{table} BY NAME SELECT {columns}", list(row.values()))


def _remove_abandoned_builds(target: Path) -> None:
    """A build killed mid-way (kill -9, power loss) leaves its file behind; its pid tells."""
    for leftover in target.parent.glob(f".build-*-{target.name}"):
        pid = leftover.name.split("-")[1]
        if pid.isdigit() and not alive(int(pid)):
            _remove(leftover)


def _discard_build(con: duckdb.DuckDBPyConnection) -> None:
    # The build is thrown away; a checkpoint failing on the way out (disk still full) is expected.
    try:
        con.execute("USE raw")
        con.execute("DETACH DATABASE IF EXISTS build")
    except duckdb.Error:
        pass


def _remove(path: Path) -> None:
    for p in (path, path.with_name(path.name + ".wal")):
        p.unlink(missing_ok=True)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
