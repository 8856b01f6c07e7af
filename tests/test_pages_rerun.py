"""A page run again on the same choices (a widget touched elsewhere on it, a second visit) shows the
charts it built the first time instead of building them anew: Plotly spent some 40-60 ms a chart
at every rerun, most of a warm page whose queries are cached."""
import importlib
import pkgutil

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

import followthrough.views as views
from app_support import ROOT, assert_clean

CHART_PAGES = ["overview", "recurrence", "follow_through", "stalls", "quarterly"]


@pytest.fixture
def published(demo_db, dashboard_on):
    return dashboard_on(demo_db)


@pytest.mark.parametrize("page", CHART_PAGES)
def test_a_rerun_shows_the_charts_built_the_first_time(published, monkeypatch, page):
    # Every chart is finished by style.layout; each view module calls it under its own name.
    built = []
    for info in pkgutil.iter_modules(views.__path__, views.__name__ + "."):
        module = importlib.import_module(info.name)
        if hasattr(module, "layout"):
            original = module.layout
            monkeypatch.setattr(module, "layout", lambda fig, *a, _o=original, **k: built.append(1) or _o(fig, *a, **k))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()   # the app opens on the Overview: the page asked for starts from empty caches
    st.cache_data.clear()
    st.cache_resource.clear()
    del built[:]
    at.switch_page(f"app_pages/{page}.py").run()
    assert_clean(at)
    assert built, "the page built no chart, so this test would prove nothing"
    charts = len(at.get("plotly_chart"))
    del built[:]
    at.run()
    assert_clean(at)
    assert len(at.get("plotly_chart")) == charts
    assert not built, f"{len(built)} chart(s) built again on a rerun with the same choices"
