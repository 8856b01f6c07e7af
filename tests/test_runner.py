"""The models declare themselves: their order comes from what they read, a misspelt header or a
dependency no model defines fails before anything runs, and declared data tests guard the swap."""
import shutil

import duckdb
import pytest

from conftest import DEVLAKE
from etl.config import parse_config
from etl.publish import publish
from etl.rawstore import RawStore
from etl.runner import MODELS_DIR, ModelError, declared_models, run_models
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
