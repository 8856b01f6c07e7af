"""The default view of every page is computed at publish (followthrough/stored.py): each stored
result is exactly what its query gives on the published file, and every page opened without
choices reads its figures over the selection from there instead of computing them."""
import re

import duckdb
import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import followthrough.db as db
from app_support import ROOT, assert_clean, open_page
from followthrough import stored

PAGES = re.findall(r'st\.Page\(\s*"app_pages/(\w+)\.py"', (ROOT / "app.py").read_text())
# Its services are the bar chart's, cut to those with the most repeats: chart logic, not a default.
COMPUTED_ON_PURPOSE = {"recurrence_heatmap"}


@pytest.fixture
def published(demo_db, dashboard_on):
    return dashboard_on(demo_db)


def test_every_stored_result_is_what_its_query_gives(published):
    con = duckdb.connect(str(published), read_only=True)
    try:
        kept = stored.index(con)
        calls = stored.default_calls(lambda name, params: con.execute(stored.sql(name), params).df())
        assert len(calls) > 30
        for name, params in calls:
            relation = kept.get(stored.key(name, params))
            assert relation, f"{name} {params} was not stored"
            kept_rows, rows = con.execute(f"SELECT * FROM {relation}").df(), con.execute(stored.sql(name), params).df()
            if not re.search(r"\border\s+by\b", stored.sql(name), re.I):
                # No order promised (the page indexes the rows): compared as sets of rows.
                kept_rows, rows = (f.sort_values(list(f.columns), ignore_index=True) for f in (kept_rows, rows))
            # Exact but for the last bits of float sums, whose order DuckDB's threads decide anew
            # on every run of the query itself.
            pd.testing.assert_frame_equal(kept_rows, rows, check_exact=False, rtol=1e-12, atol=0)
    finally:
        con.close()


@pytest.mark.parametrize("page", PAGES)
def test_a_page_opened_without_choices_reads_its_figures_from_the_publish(published, monkeypatch, page):
    computed = []
    original = db._cached_query

    def recording(identity, name, frozen):
        params = db._thaw(frozen)
        if stored.key(name, params) not in db._stored_results(*identity):
            computed.append((name, params))
        return original(identity, name, frozen)

    st.cache_data.clear()
    st.cache_resource.clear()
    monkeypatch.setattr(db, "_cached_query", recording)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    del computed[:]   # the app opens on the Overview; only the page asked for counts
    at.switch_page(f"app_pages/{page}.py").run()
    assert_clean(at)
    over_a_selection = [f"{name} {params}" for name, params in computed
                        if "sel" in params and name not in COMPUTED_ON_PURPOSE]
    assert not over_a_selection, "computed instead of read from the publish"


def test_a_file_published_before_results_were_stored_is_computed_as_before(published, tmp_path, dashboard_on):
    older = tmp_path / "older.duckdb"
    older.write_bytes(published.read_bytes())
    con = duckdb.connect(str(older))
    con.execute("DROP SCHEMA stored CASCADE")
    con.close()
    dashboard_on(older)
    st.cache_data.clear()
    st.cache_resource.clear()
    at = open_page("overview")
    assert at.metric
