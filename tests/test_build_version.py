"""A dashboard upgraded before the next publish: it says on every page that the file was built by
another version, and serves no stored result whose query's SQL has changed since."""
import duckdb
import pytest
import streamlit as st

import followthrough.db as db
from app_support import open_page
from etl.cli import main
from followthrough import build_version, stored


def older_copy(published, tmp_path, *statements):
    older = tmp_path / "older.duckdb"
    older.write_bytes(published.read_bytes())
    con = duckdb.connect(str(older))
    for statement in statements:
        con.execute(statement)
    con.close()
    st.cache_data.clear()
    st.cache_resource.clear()
    return older


def outdated_warnings(at) -> list[str]:
    return [w.value for w in at.warning if w.value == build_version.OUTDATED]


def test_a_file_this_version_built_shows_no_warning(demo_db, dashboard_on):
    dashboard_on(demo_db)
    st.cache_data.clear()
    assert duckdb.connect(str(demo_db), read_only=True).execute(
        "SELECT build_version FROM marts.build_info").fetchall() == [(build_version.fingerprint(),)]
    assert not outdated_warnings(open_page("overview"))


@pytest.mark.parametrize("change", [
    "UPDATE marts.build_info SET build_version = '0123456789abcdef'",
    "ALTER TABLE marts.build_info DROP COLUMN build_version",   # published before it was recorded
])
@pytest.mark.parametrize("page", ["overview", "data_health"])
def test_a_file_another_version_built_says_so_on_every_page(demo_db, dashboard_on, tmp_path, change, page):
    dashboard_on(older_copy(demo_db, tmp_path, change))
    assert outdated_warnings(open_page(page)) == [build_version.OUTDATED]


def test_status_says_the_file_was_built_by_another_version(demo_db, tmp_path, monkeypatch, capsys):
    older = older_copy(demo_db, tmp_path, "UPDATE marts.build_info SET build_version = 'older'")
    monkeypatch.setenv("FOLLOWTHROUGH_DB", str(older))
    monkeypatch.setenv("FOLLOWTHROUGH_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert main(["status"]) == 0
    assert build_version.OUTDATED in capsys.readouterr().out
    monkeypatch.setenv("FOLLOWTHROUGH_DB", str(demo_db))
    assert main(["status"]) == 0
    assert build_version.OUTDATED not in capsys.readouterr().out


def test_a_stored_result_of_other_sql_is_computed_not_served(demo_db, dashboard_on, tmp_path, monkeypatch):
    # As a publish by a version whose period_figures.sql differed would have keyed it.
    digest = stored._sql_digest("period_figures")
    older = older_copy(demo_db, tmp_path, f"""
        UPDATE stored.results SET call_key = replace(call_key, '"{digest}"', '"an older query"')
        WHERE query = 'period_figures'""")
    dashboard_on(older)
    served = []
    original = db._cached_query

    def recording(identity, name, frozen):
        if name == "period_figures":
            served.append(stored.key(name, db._thaw(frozen)) in db._stored_results(*identity))
        return original(identity, name, frozen)

    monkeypatch.setattr(db, "_cached_query", recording)
    metrics = [(m.label, m.value) for m in open_page("overview").metric]
    assert served and not any(served)

    monkeypatch.undo()
    dashboard_on(demo_db)
    st.cache_data.clear()
    st.cache_resource.clear()
    assert [(m.label, m.value) for m in open_page("overview").metric] == metrics
