"""Every issue key on every page opens the Incident explorer on its incident (an action item's: the
incident it was filed for), and the explorer opens any incident by its key, whatever the period,
with Jira one click further. Run through the real app (AppTest) on the demo database."""
import json
import re
from urllib.parse import parse_qs, unquote, urlparse

import pytest

from app_support import open_page, shown_keys, sql
from followthrough.text import plain

PAGES = ["overview", "recurrence", "follow_through", "stalls", "targets", "quarterly", "explorer", "data_health"]


def link_columns(table) -> dict[str, str]:
    """The table's link columns and the pattern that picks the key they show out of the address."""
    config = json.loads(table.proto.columns)
    return {c: settings["type_config"]["display_text"] for c, settings in config.items()
            if settings.get("type_config", {}).get("type") == "link" and c in table.proto.column_order}


def shown_key(pattern: str, url: str) -> str:
    """What the browser shows for a link: the first group of the pattern, URI-decoded (as Streamlit's
    LinkColumn does)."""
    match = re.search(pattern, url)
    return unquote(match[1]) if match else url


@pytest.mark.parametrize("page", PAGES)
def test_every_issue_key_opens_its_incident_in_the_explorer(demo_db, dashboard_on, page):
    dashboard_on(demo_db)
    incidents = {k for (k,) in sql(demo_db, "SELECT issue_key FROM marts.incidents")}
    filed_for = dict(sql(demo_db, "SELECT issue_key, incident_key FROM marts.action_items"))
    jira = dict(sql(demo_db, "SELECT issue_key, url FROM marts.issues"))
    at = open_page(page)
    checked = 0
    for table in at.dataframe:
        for column, pattern in link_columns(table).items():
            explorer_items = page == "explorer" and "state" in table.proto.column_order
            for url in table.value[column].dropna():
                key = shown_key(pattern, url)
                if explorer_items:
                    # On the explorer, an incident's own items open Jira: the explorer is already there.
                    assert url == jira[key]
                elif key in incidents:
                    assert url == f"explorer?incident={key}", (column, url)
                elif filed_for.get(key):
                    assert url == f"explorer?incident={filed_for[key]}&item={key}", (column, url)
                else:
                    assert url == jira[key], (column, url)
                checked += 1
    if page not in ("overview", "data_health"):
        assert checked, f"no issue key on {page}"


def test_an_item_link_opens_the_explorer_on_its_incident(demo_db, dashboard_on):
    dashboard_on(demo_db)
    stalled = open_page("stalls").dataframe[0].value
    url = stalled["url"].iloc[0]
    query = parse_qs(urlparse(url).query)
    at = open_page("explorer", **{k: v[0] for k, v in query.items()})
    assert at.selectbox(key="explorer_incident").value == query["incident"][0]
    assert any(f"Opened from action item {plain(query['item'][0])}" in c.value for c in at.caption)
    assert query["item"][0] in shown_keys(at.dataframe[2].value)


def test_a_link_opens_an_incident_outside_the_period(demo_db, dashboard_on):
    """The default period is the last twelve months; the oldest incident is older."""
    dashboard_on(demo_db)
    oldest, url = sql(demo_db, "SELECT issue_key, url FROM marts.incidents ORDER BY created_at LIMIT 1")[0]
    at = open_page("explorer", incident=oldest)
    assert oldest not in shown_keys(at.dataframe[0].value)
    assert at.selectbox(key="explorer_incident").value == oldest
    assert [h.value for h in at.subheader][0] == plain(oldest)
    assert any(f"{plain(oldest)}, which the link opens, is not among the incidents found" in c.value for c in at.caption)
    # Jira one click further.
    assert [b.proto.url for b in at.get("link_button")] == [url]
    assert at.query_params["incident"] == oldest


def test_a_link_to_no_incident_says_so(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("explorer", incident="NOPE-404")
    assert [w.value for w in at.warning] == [
        "The link asks for NOPE\\-404, which is no incident in the published data."]
    assert at.selectbox(key="explorer_incident").value != "NOPE-404"


def test_the_search_covers_every_incident_when_asked(demo_db, dashboard_on):
    dashboard_on(demo_db)
    every = sql(demo_db, "SELECT count(*) FROM marts.incidents")[0][0]
    at = open_page("explorer")
    in_period = len(at.selectbox(key="explorer_incident").options)
    assert in_period < every
    at.radio(key="explorer_scope").set_value("all").run()
    assert len(at.selectbox(key="explorer_incident").options) == every
    assert at.query_params["in"] == "all"
    again = open_page("explorer", **{"in": "all"})
    assert len(again.selectbox(key="explorer_incident").options) == every


def test_an_address_part_is_quoted_only_where_quoting_changes_it():
    from urllib.parse import quote

    import pandas as pd

    from followthrough.views import _quoted
    values = pd.Series(["OPS-12", "A B-1", "É-2", "a/b?c&d", "x.y_z~-1", "%41"], dtype="str")
    assert _quoted(values).tolist() == [quote(v, safe="") for v in values]


def test_a_rerun_keeps_the_links_and_a_new_publish_looks_them_up_again(demo_db, dashboard_on, tmp_path, monkeypatch):
    """At 1,000,000 issues working the links out was most of the Quarterly review's stalled table
    at every rerun; kept, they must still follow the file: a publish can move an item's incident."""
    import os
    import shutil

    import followthrough.views as views
    published = dashboard_on(tmp_path / "published.duckdb")
    shutil.copy(demo_db, published)
    looked_up = []
    original = views.query
    monkeypatch.setattr(views, "query", lambda name, **params: looked_up.append(name) or original(name, **params))
    at = open_page("quarterly")
    assert "explorer_opens" in looked_up
    shown = [table.value for table in at.dataframe]
    del looked_up[:]
    at.run()
    assert "explorer_opens" not in looked_up
    assert all(a.equals(b) for a, b in zip(shown, [table.value for table in at.dataframe], strict=True))
    stat = published.stat()
    os.utime(published, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    at.run()
    assert "explorer_opens" in looked_up
