"""The models declare themselves: their order comes from what they read, a misspelt header or a
dependency no model defines fails before anything runs, and declared data tests guard the swap."""
import shutil

import duckdb
import pytest

from conftest import DEVLAKE
from etl.config import parse_config
from etl.publish import publish
from etl.rawstore import RawStore
from etl.runner import MODELS_DIR, ModelError, declared_models, risk_pattern, run_models
from etl.errors import UserError


@pytest.fixture
def models(tmp_path):
    root = tmp_path / "models"
    for schema in ("staging", "marts"):
        (root / schema).mkdir(parents=True)
    (root / "macros.sql").write_text("CREATE OR REPLACE TEMP MACRO twice(x) AS x * 2;\n")
    return root


def write(root, name: str, sql: str) -> None:
    (root / f"{name}.sql").write_text(sql)


def test_order_follows_what_each_model_reads(models):
    write(models, "marts/c", "select * from marts.b")
    write(models, "marts/b", "-- materialize: view\nselect twice(n) as n from staging.a")
    write(models, "staging/a", "-- marts.c in a comment is not a read\nselect 1 as n, 'marts.c' as text")
    assert [m.label for m in declared_models(models)] == ["staging/a.sql", "marts/b.sql", "marts/c.sql"]
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA marts; CREATE SCHEMA config;"
                "CREATE TABLE config.field_sources (attribute VARCHAR, source VARCHAR, field_id VARCHAR)")
    run_models(con, models)
    assert con.execute("SELECT n FROM marts.c").fetchall() == [(2,)]


def test_the_real_models_build_in_an_order_where_each_reads_only_earlier_ones():
    seen = set()
    for model in declared_models():
        assert model.relation not in seen
        seen.add(model.relation)
    assert {"marts.issues", "marts.incidents", "marts.action_items"} <= seen


@pytest.mark.parametrize("sql, message", [
    ("-- materialise: view\nselect 1", "unknown header 'materialise:' (did you mean 'materialize:'?)"),
    ("-- materialize: veiw\nselect 1", "materialize must be one of table, view"),
    ("-- tset: unique(n)\nselect 1 as n", "unknown header 'tset:' (did you mean 'test:'?)"),
    ("-- test: uniq(n)\nselect 1 as n", "cannot run test 'uniq(n)'"),
    ("select * from marts.nowhere", "model marts/x.sql reads marts.nowhere, which no model defines"),
])
def test_a_model_that_misdeclares_itself_fails_before_anything_runs(models, sql, message):
    write(models, "marts/x", sql)
    con = duckdb.connect()
    with pytest.raises(ModelError) as err:
        run_models(con, models)
    assert message in str(err.value)
    assert con.execute("SELECT count(*) FROM duckdb_tables()").fetchall() == [(0,)]


def test_models_that_read_each_other_are_a_cycle(models):
    write(models, "marts/a", "select * from marts.b")
    write(models, "marts/b", "select * from marts.a")
    with pytest.raises(ModelError, match="cycle"):
        declared_models(models)


def test_a_failing_data_test_keeps_the_published_file_and_names_the_test(tmp_path, workspace, etl):
    assert etl("import-json", DEVLAKE / "cloud_issues.ndjson")[0] == 0
    before = workspace.published.read_bytes()
    broken = tmp_path / "broken-models"
    shutil.copytree(MODELS_DIR, broken)
    issues = broken / "marts" / "issues.sql"
    issues.write_text("-- test: accepted_values(summary, 'no such summary')\n" + issues.read_text())
    with RawStore(workspace.warehouse) as store, pytest.raises(UserError) as err:
        publish(parse_config({}), store, models_dir=broken)
    assert "data test marts.issues accepted_values(summary, 'no such summary') failed: 33 rows" in str(err.value)
    assert workspace.published.read_bytes() == before


def incremental_connection(cache) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    con.execute("CREATE SCHEMA staging; CREATE SCHEMA marts; CREATE SCHEMA config;"
                "CREATE TABLE config.field_sources (attribute VARCHAR, source VARCHAR, field_id VARCHAR);"
                "CREATE TABLE config.settings (factor INTEGER); INSERT INTO config.settings VALUES (10);"
                "CREATE TABLE payloads AS SELECT range AS id FROM range(3)")
    con.execute("ATTACH ? AS parsed", [str(cache)])
    # In the cache, as a statement writes to one database: its numbers tell which run made a row.
    con.execute("CREATE SEQUENCE IF NOT EXISTS parsed.parses")
    return con


PARSED = ("-- materialize: incremental(id) from payloads\n"
          "select p.id, nextval('parsed.parses') as parse, p.id * (select factor from config.settings) as value\n"
          "from payloads as p anti join {{this}} using (id)")


# The same rows from the runner's table of the new keys' rows instead.
PARSED_FROM_NEW = ("-- materialize: incremental(id) from payloads\n"
                   "select p.id, nextval('parsed.parses') as parse, p.id * (select factor from config.settings) as value\n"
                   "from {{new}} as p")


def kept(con):
    return con.execute("SELECT id, parse, value FROM parsed_rows ORDER BY id").fetchall()


@pytest.mark.parametrize("sql", [PARSED, PARSED_FROM_NEW], ids=["anti-joins its kept rows", "reads the new rows"])
def test_an_incremental_model_makes_only_the_rows_of_new_keys_and_drops_the_gone(models, tmp_path, sql):
    write(models, "staging/parsed_rows", sql)
    write(models, "marts/total", "select sum(value) as total from parsed_rows")
    cache = tmp_path / "cache.duckdb"
    con = incremental_connection(cache)
    run_models(con, models)
    assert kept(con) == [(0, 1, 0), (1, 2, 10), (2, 3, 20)]
    con.execute("DELETE FROM payloads WHERE id = 0; INSERT INTO payloads VALUES (3)")
    run_models(con, models)
    assert kept(con) == [(1, 2, 10), (2, 3, 20), (3, 4, 30)]
    assert con.execute("SELECT total FROM marts.total").fetchall() == [(60,)]
    con.close()
    # Kept in the file: another connection, as the next publish is, reuses them.
    con = incremental_connection(cache)
    con.execute("DELETE FROM payloads WHERE id = 0; INSERT INTO payloads VALUES (3)")
    run_models(con, models)
    assert kept(con) == [(1, 2, 10), (2, 3, 20), (3, 4, 30)]
    run_models(con, models, full=True)
    assert kept(con) == [(1, 5, 10), (2, 6, 20), (3, 7, 30)]


@pytest.mark.parametrize("change", ["config", "sql"])
def test_an_incremental_model_is_built_anew_when_what_made_its_rows_changes(models, tmp_path, change):
    write(models, "staging/parsed_rows", PARSED)
    con = incremental_connection(tmp_path / "cache.duckdb")
    run_models(con, models)
    if change == "config":
        con.execute("UPDATE config.settings SET factor = 100")
    else:
        write(models, "staging/parsed_rows", PARSED.replace("as value", "* 2 as value"))
    run_models(con, models)
    factor = 100 if change == "config" else 20
    assert kept(con) == [(0, 4, 0), (1, 5, factor), (2, 6, 2 * factor)]


def test_a_model_of_new_rows_is_built_anew_when_the_model_its_keys_are_from_is(models, tmp_path):
    write(models, "staging/parsed_rows", PARSED)
    write(models, "staging/derived_rows", "-- materialize: incremental(id) from parsed_rows\n"
                                          "select id, nextval('parsed.parses') as parse from {{new}}")
    con = incremental_connection(tmp_path / "cache.duckdb")
    run_models(con, models)
    derived = "SELECT parse FROM derived_rows ORDER BY id"
    assert con.execute(derived).fetchall() == [(4,), (5,), (6,)]
    write(models, "staging/parsed_rows", PARSED.replace("as value", "* 2 as value"))
    run_models(con, models)
    assert con.execute(derived).fetchall() == [(10,), (11,), (12,)]


def test_a_model_of_new_rows_is_built_after_the_relation_its_keys_are_from(models):
    # Alphabetically it would come first, and read a relation not yet made.
    write(models, "staging/payload_rows", "-- materialize: temp view\nselect * from payloads")
    write(models, "staging/parsed_rows", "-- materialize: incremental(id) from payload_rows\nselect id from {{new}}")
    assert [m.name for m in declared_models(models)] == ["payload_rows", "parsed_rows"]


def test_an_incremental_model_that_does_not_read_its_kept_rows_is_refused(models):
    write(models, "staging/parsed_rows", "-- materialize: incremental(id) from payloads\nselect id from payloads")
    with pytest.raises(ModelError, match="an incremental model reads {{this}}"):
        run_models(duckdb.connect(), models)


@pytest.mark.parametrize("section", ["Risk", "Risk (P&L)?", r"Odd \E label", "It's a risk"])
def test_the_risk_label_is_matched_as_written(section):
    # The label is configuration written into a regular expression: its own characters are text.
    con = duckdb.connect()
    heading = f"Context first.\n\nh3. {section}\nWe lose 30% of payments.\n\nAfter."
    bold = f"Context first.\n**{section}**: this one"
    pattern = risk_pattern(section)
    got = con.execute("SELECT regexp_extract(?, ?, 1), regexp_extract(?, ?, 1)",
                      [heading, pattern, bold, pattern]).fetchall()[0]
    assert got == ("We lose 30% of payments.", "this one")


def test_a_label_ending_in_a_letter_ends_a_word():
    con = duckdb.connect()
    got = con.execute("SELECT regexp_extract(?, ?, 1)",
                      ["Riskless: not this\n\nRisk: this one", risk_pattern("Risk")]).fetchall()[0][0]
    assert got == "this one"
