"""`python -m etl export`: every published marts table and view, read back by DuckDB and pandas,
holds the rows and figures the published file (and so the dashboard) has; schema.md names every
column with its type; and bad input or a full disk is one line that leaves DIR as it was."""
from __future__ import annotations

import re
import resource
from datetime import date

import duckdb
import pandas as pd
import pytest

from etl.runner import Model, declared_models
from etl.export_schema import description
from test_one_line_errors import assert_one_line, run_with_a_full_disk


def published(path, sql: str, params=None):
    con = duckdb.connect(":memory:")
    try:
        con.execute("ATTACH ? AS p (READ_ONLY)", [str(path)])
        con.execute("USE p")
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def exported_tables(path) -> dict[str, str]:
    return dict(published(path, """
        SELECT table_name, 'table' FROM duckdb_tables() WHERE database_name = 'p' AND schema_name = 'marts'
        UNION ALL SELECT view_name, 'view' FROM duckdb_views() WHERE database_name = 'p' AND schema_name = 'marts'"""))


def dashboard_figures(path) -> tuple:
    """The Overview's recurrence rate and done and dropped counts over everything, as the dashboard
    computes them from the published file."""
    from followthrough.filters import Filters

    (as_of,) = published(path, "SELECT as_of FROM marts.build_info")[0]
    sel = Filters(start=date(2000, 1, 1), end=as_of.date(), as_of=as_of).params()["sel"]
    return published(path, "SELECT recurrence_rate, items_done, items_dropped FROM marts.period_figures(?)",
                     [sel])[0]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_every_table_reads_back_with_the_published_rows_and_figures(demo_db, dashboard_on, etl, tmp_path, fmt):
    dashboard_on(demo_db)
    out = tmp_path / "export"
    code, stdout, err = etl("export", out, "--format", fmt)
    assert code == 0, err
    tables = exported_tables(demo_db)
    assert {"action_items", "incidents", "recurrences", "repeats", "build_info"} <= set(tables)
    assert sorted(p.name for p in out.iterdir()) == sorted([*(f"{t}.{fmt}" for t in tables), "schema.md"])
    reader = "read_parquet" if fmt == "parquet" else "read_csv"
    con = duckdb.connect(":memory:")
    for table in tables:
        (expected,) = published(demo_db, f"SELECT count(*) FROM marts.{table}")[0]
        file = out / f"{table}.{fmt}"
        assert con.execute(f"SELECT count(*) FROM {reader}(?)", [str(file)]).fetchone()[0] == expected, table
        frame = pd.read_parquet(file) if fmt == "parquet" else pd.read_csv(file)
        assert len(frame) == expected, table

    items = pd.read_parquet(out / "action_items.parquet") if fmt == "parquet" else pd.read_csv(out / "action_items.csv")
    incidents = con.execute(f"SELECT count(*) FROM {reader}(?)", [str(out / f"incidents.{fmt}")]).fetchone()[0]
    repeats = con.execute(f"SELECT count(DISTINCT issue_key) FROM {reader}(?)", [str(out / f"repeats.{fmt}")]).fetchone()[0]
    rate, done, dropped = dashboard_figures(demo_db)
    assert 0 < rate < 1 and done > 0 and dropped > 0
    assert repeats / incidents == pytest.approx(rate)
    assert (items["outcome"] == "done").sum() == done and (items["outcome"] == "dropped").sum() == dropped

    (as_of,) = published(demo_db, "SELECT as_of FROM marts.build_info")[0]
    exported_as_of = con.execute(f"SELECT as_of FROM {reader}(?)", [str(out / f"build_info.{fmt}")]).fetchone()[0]
    assert exported_as_of == as_of
    assert f"as of {as_of:%Y-%m-%d %H:%M} UTC" in stdout


def test_schema_lists_every_table_and_column_with_its_type_and_every_macro(demo_db, dashboard_on, etl, tmp_path):
    dashboard_on(demo_db)
    assert etl("export", tmp_path / "out")[0] == 0
    schema = (tmp_path / "out" / "schema.md").read_text()
    sections = dict(re.findall(r"^## marts\.(\w+)\n(.*?)(?=^## |\Z)", schema, re.S | re.M))
    tables = exported_tables(demo_db)
    assert set(sections) == set(tables)
    for table, column, data_type in published(demo_db, """
            SELECT table_name, column_name, data_type FROM duckdb_columns()
            WHERE database_name = 'p' AND schema_name = 'marts'"""):
        assert re.search(rf"^\| `{column}` \| `{re.escape(data_type)}` \| .* \| \S.* \|$", sections[table], re.M), \
            (table, column)
    # Quoted from the model and from docs/metrics.md; a column neither explains says so.
    assert re.search(r"^\| `outcome` \| `VARCHAR` \| one of 'done', 'dropped' \| Dropping an item is a decision",
                     sections["action_items"], re.M)
    assert re.search(r"^\| `days_to_close` \| `DOUBLE` \| +\| Time to close: ", sections["action_items"], re.M)
    assert re.search(r"^\| `days_between` \| `DOUBLE` \| +\| Days between: ", sections["recurrences"], re.M)
    assert re.search(r"^\| `created_at` \| `TIMESTAMP` \| +\| \*not documented\* \|$", sections["recurrences"], re.M)
    macros = schema.split("## Parameterised, query the published file", 1)[1]
    for (name,) in published(demo_db, """SELECT function_name FROM duckdb_functions()
                                         WHERE database_name = 'p' AND schema_name = 'marts'"""):
        assert f"`marts.{name}(" in macros, name
    assert "`marts.action_items_at(at_time)` | rows | Every action item that existed at a moment" in macros
    assert "`marts.states_at(at_time, skip)` | rows | The state of every action item" in macros


def test_every_published_table_and_view_has_a_description():
    tables = [m for m in declared_models() if m.schema == "marts" and m.kind in ("table", "view")]
    assert len(tables) >= 14
    assert [m.label for m in tables if not description(m)] == []


def test_a_model_with_only_headers_has_no_description(tmp_path):
    model = tmp_path / "marts" / "bare.sql"
    model.parent.mkdir()
    model.write_text("-- materialize: view\n-- test: unique(issue_key)\nselect 1 as issue_key\n")
    assert description(Model(model)) == ""


def test_bad_input_is_one_line_and_makes_nothing(demo_db, dashboard_on, etl, tmp_path):
    dashboard_on(demo_db)
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    existing = tmp_path / "existing"
    existing.mkdir()
    (existing / "mine.txt").write_text("keep me")
    for args, words in [((a_file / "out",), ("a-file is a file",)),
                        ((a_file,), ("is a file",)),
                        ((tmp_path / "out", "--format", "xlsx"), ("unknown format 'xlsx'",)),
                        ((existing,), ("already exists", "--force")),
                        ((existing, "--force"), ("mine.txt", "not replacing"))]:
        code, out, err = etl("export", *args)
        assert code == 1 and out == "" and "Traceback" not in err, (args, err)
        assert len(err.strip().splitlines()) == 1 and all(w in err for w in words), (args, err)
    assert (existing / "mine.txt").read_text() == "keep me"
    dashboard_on(tmp_path / "nothing" / "followthrough.duckdb")
    code, _, err = etl("export", tmp_path / "out")
    assert code == 1 and err.startswith("error: no published file at ") and len(err.splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file", "existing"]


def test_force_replaces_an_export_only_once_the_new_one_is_complete(demo_db, tmp_path):
    out = tmp_path / "out"
    env = {"FOLLOWTHROUGH_DB": str(demo_db), "PATH": "/usr/bin:/bin"}
    no_limit = resource.RLIM_INFINITY
    earlier = run_with_a_full_disk(["export", str(out)], env, no_limit)
    assert earlier.returncode == 0, earlier.stderr
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    # Room for every file but the largest: the export fails part-way.
    limit = max(len(content) for content in before.values()) - 1
    done = run_with_a_full_disk(["export", str(out), "--force"], env, limit)
    assert_one_line(done, "disk", "left as it was")
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["out"], "the unfinished export was left behind"

    replaced = run_with_a_full_disk(["export", str(out), "--force", "--format", "csv"], env, no_limit)
    assert replaced.returncode == 0, replaced.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted(n.replace(".parquet", ".csv") for n in before)
    assert [p.name for p in tmp_path.iterdir()] == ["out"]
