"""Read-only access to the published database, safe across Streamlit's threads.

The published file is replaced atomically by each publish. A connection is cached per file
identity (inode and modification time), so the first query after a publish opens the new file
and no restart is needed, while sessions that still hold the old connection keep reading the old
file until they move on. Every query runs on its own cursor: one DuckDB connection must not be
used from two threads at once, cursors may.
"""
from __future__ import annotations

import logging
from functools import lru_cache

import duckdb
import pandas as pd
import streamlit as st

from datapaths import published_path
from followthrough import stored

log = logging.getLogger(__name__)


class NoDatabase(Exception):
    """Nothing is published yet, or the file cannot be opened."""


class QueryFailed(Exception):
    """A query failed; the details are in the server log, never in the browser."""


def database_identity() -> tuple[str, int, int]:
    path = published_path()
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise NoDatabase(f"No published database at {path}.") from None
    return str(path), stat.st_ino, stat.st_mtime_ns


@st.cache_resource(max_entries=2, show_spinner=False)
def _connection(path: str, inode: int, mtime_ns: int) -> duckdb.DuckDBPyConnection:
    # Attached to a fresh in-memory instance rather than opened with duckdb.connect(path): that
    # would hand back the process's cached instance for the path, still reading the old file.
    try:
        con = duckdb.connect(":memory:")
        con.execute("ATTACH ? AS published (READ_ONLY)", [path])
        return con
    except duckdb.Error as exc:
        log.error("cannot open %s: %s", path, exc)
        raise NoDatabase(f"The published database at {path} cannot be opened.") from None


_sql = lru_cache(maxsize=None)(stored.sql)


@st.cache_resource(max_entries=2, show_spinner=False)
def _stored_results(path: str, inode: int, mtime_ns: int) -> dict[str, str]:
    """The default views' results the publish kept (followthrough/stored.py), by call."""
    cursor = _connection(path, inode, mtime_ns).cursor()
    try:
        cursor.execute("USE published")
        return stored.index(cursor)
    except duckdb.Error:
        log.exception("cannot read the stored results of %s; every query is computed", path)
        return {}
    finally:
        cursor.close()


def query(name: str, **params) -> pd.DataFrame:
    """Run followthrough/queries/<name>.sql with named parameters ($name in the SQL)."""
    return _cached_query(database_identity(), name, _freeze(params)).copy()


@st.cache_data(max_entries=1_000, show_spinner=False)
def _cached_query(identity: tuple[str, int, int], name: str, frozen: tuple) -> pd.DataFrame:
    params = _thaw(frozen)
    relation = _stored_results(*identity).get(stored.key(name, params))
    cursor = _connection(*identity).cursor()
    try:
        cursor.execute("USE published")
        if relation:
            return cursor.execute(f"SELECT * FROM {relation}").df()
        return cursor.execute(_sql(name), params).df()
    except duckdb.Error as exc:
        log.exception("query %s failed", name)
        raise QueryFailed(f"The {name.replace('_', ' ')} figures could not be computed.") from exc
    finally:
        cursor.close()


def _freeze(params: dict) -> tuple:
    # cache_data hashes its arguments by value: lists become tuples and a struct (the selection)
    # a tagged tuple of its items, and back.
    return tuple(sorted((k, _frozen(v)) for k, v in params.items()))


_STRUCT = "\0struct"


def _frozen(value):
    if isinstance(value, dict):
        return (_STRUCT, _freeze(value))
    return tuple(value) if isinstance(value, list) else value


def _thaw(frozen: tuple) -> dict:
    return {k: _thawed(v) for k, v in frozen}


def _thawed(value):
    if isinstance(value, tuple) and value[:1] == (_STRUCT,):
        return _thaw(value[1])
    return list(value) if isinstance(value, tuple) else value
