"""The review pages (Quarterly review, Incident explorer, Data health) run through the real app.

Figures are checked against the published database read directly, not through the dashboard's
queries, so a wrong query cannot agree with itself.
"""
import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app_support import figures, open_page, shares_as_shown, shown_keys, sql, values
from etl.cli import main
from etl.config import DEMO_CONFIG
from followthrough.style import counted, duration_days, percent
from followthrough.text import plain

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = "<script>alert(1)</script>[x](javascript:alert(1))"
AS_OF = "2026-07-01T00:00:00"
CONFIG = """
[incidents]
projects = ["OPS"]

[fields]
severity = "priority"
service = "components"

[severity_map]
High = "SEV-2"
"""
# The demo's as-of time is 1 Nov 2026: the last complete quarter is 2026 Q3.
Q3 = (datetime(2026, 7, 1), datetime(2026, 10, 1))
Q2 = (datetime(2026, 4, 1), datetime(2026, 7, 1))


def metric(at: AppTest, label: str):
    return next(m for m in at.metric if m.label == label)


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def everything_said(at: AppTest) -> str:
    """The page's text: markdown, captions, alerts, metrics with their help, and table cells."""
    parts = [e.value for kind in (at.markdown, at.caption, at.info, at.warning, at.success) for e in kind]
    parts += [f"{m.label} {m.value} {m.proto.delta} {m.help}" for m in at.metric]
    parts += [table.value.to_csv() for table in at.dataframe]
    return "\n".join(parts)


def issue(key: str, summary: str, *, service: str = "checkout", created: str = "2026-05-04T10:00:00.000+0000") -> dict:
    return {"id": str(10_000 + int(key.split("-")[1])), "key": key,
            "self": f"https://jira.example.com/rest/api/2/issue/{key}",
            "fields": {"summary": summary, "issuetype": {"name": "Incident"}, "project": {"key": key.split("-")[0]},
                       "status": {"name": "Open", "statusCategory": {"key": "new"}},
                       "created": created, "updated": created,
                       "priority": {"name": "High"}, "components": [{"name": service}], "labels": []}}


@pytest.fixture
def published_json(tmp_path, monkeypatch, dashboard_on):
    """Imports a file of Jira issues with the real ETL and points the dashboard at the result."""
    def publish(text: str) -> Path:
        monkeypatch.delenv("FOLLOWTHROUGH_WAREHOUSE", raising=False)
        db = dashboard_on(tmp_path / "data" / "followthrough.duckdb")
        config = tmp_path / "followthrough.toml"
        config.write_text(CONFIG)
        source = tmp_path / "issues.json"
        source.write_text(text)
        assert main(["--config", str(config), "import-json", str(source), "--as-of", AS_OF]) == 0
        return db
    return publish


# -- Quarterly review -----------------------------------------------------------------------------

def incidents_in(db: Path, quarter, severity: str | None = None) -> int:
    return sql(db, "SELECT count(*) FROM marts.incidents WHERE created_at >= ? AND created_at < ? "
                   "AND (? IS NULL OR severity = ?)", [*quarter, severity, severity])[0][0]


def test_quarterly_compares_the_last_complete_quarter_with_the_one_before(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("quarterly")
    assert at.selectbox(key="quarterly_quarter").value == "2026 Q3"

    now, before = incidents_in(demo_db, Q3), incidents_in(demo_db, Q2)
    assert metric(at, "Incidents").value == f"{now:,}"
    assert metric(at, "Incidents").proto.delta == (f"{now - before:+,}" if now != before else "no change")
    sev1 = incidents_in(demo_db, Q3, "SEV-1")
    assert metric(at, "SEV-1 incidents").value == f"{sev1:,}"

    median = sql(demo_db, "SELECT median_days_to_resolve FROM marts.period_figures("
                          "{'start': ?, 'end': ?, 'severity': [], 'service': [], 'team': []})", list(Q3))[0][0]
    assert metric(at, "Median time to resolve").value == duration_days(median)

    # Action items filed in the quarter and not closed by its end.
    open_at_end = sql(demo_db, "SELECT count(*) FROM marts.action_items WHERE created_at >= ? AND created_at < ? "
                               "AND (closed_at IS NULL OR closed_at > ?)", [*Q3, Q3[1]])[0][0]
    assert metric(at, "Open at quarter end").value == f"{open_at_end:,}"

    trend = "up from" if now > before else "down from" if now < before else "the same as in"
    first = f"{now} incidents ({sev1 or 'no'} SEV-1) in 2026 Q3, {trend}"
    assert plain(first) in markdown(at)
    assert [b.label for b in at.get("download_button")] == [
        "Markdown, for an email or wiki", "HTML page with the charts", "Tables as CSV (zip)"]

    # Every stalled strategic item, not the first few, costliest delay first.
    stalled = next(t.value for t in at.dataframe if "cost_of_delay" in t.value.columns)
    counted = sql(demo_db, "SELECT strategic_stalled FROM marts.period_figures({'start': ?, 'end': ?, "
                           "'severity': [], 'service': [], 'team': []})", list(Q3))[0][0]
    assert len(stalled) == counted > 0
    order = list(zip(stalled["cost_of_delay"], stalled["incidents_since"], stalled["days_without_status_change"]))
    assert order == sorted(order, reverse=True)
    assert stalled["owner"].notna().all()
    assert {table.proto.placeholder for table in at.dataframe} == {"–"}

    # A change reads in the unit of the value it changes: hours under two days, days above.
    for label in ("Median time to resolve", "80% resolved within", "Median time to done"):
        shown = metric(at, label)
        assert shown.proto.delta == "no change" or shown.proto.delta[-2:] == shown.value[-2:], label

    services = next(t for t in at.dataframe if "repeat_share" in t.value.columns)
    shown, written = shares_as_shown(services, "repeat_share")
    assert shown == written
    assert not re.search(r"(?<![-\d,.])1 (incidents|items|action items|strategic items|issues|repeats|days)\b",
                         everything_said(at))


def test_quarterly_curve_is_read_at_whole_days_and_keeps_the_figures(demo_db, dashboard_on):
    """The Kaplan-Meier chart ships one point per quarter and whole day, however many items there
    are, and reads the same shares closed within 30, 60 and 90 days as the figures above it."""
    dashboard_on(demo_db)
    at = open_page("quarterly")
    (curve,) = [c for c in figures(at) if c["layout"]["yaxis"].get("tickformat") == ".0%"]
    lines = {line["name"]: line for line in curve["data"]}
    assert set(lines) == {"2026 Q2", "2026 Q3"}
    for name, quarter in (("2026 Q3", Q3), ("2026 Q2", Q2)):
        days = values(lines[name]["x"])
        done = dict(zip(days, values(lines[name]["y"])))
        assert days[0] == 0 and done[0] == 0.0
        assert all(d == int(d) for d in days) and all(a < b for a, b in zip(days[1:], days[2:])), name
        closing_days = sql(demo_db, "SELECT count(DISTINCT ceil(t)) FROM marts.km_curve({'start': ?, 'end': ?, 'severity': [], 'service': [], 'team': []}, 'all')",
                           list(quarter))[0][0]
        assert len(days) == closing_days + 1, name
    shares = sql(demo_db, "SELECT done_within_30, done_within_60, done_within_90 "
                           "FROM marts.km_summary({'start': ?, 'end': ?, 'severity': [], 'service': [], 'team': []}, 'all')", list(Q3))[0]
    last = dict(zip(values(lines["2026 Q3"]["x"]), values(lines["2026 Q3"]["y"])))
    for within, share in zip((30, 60, 90), shares):
        assert metric(at, f"Done within {within} days").value == percent(share)
        if share is not None:
            assert last[max(d for d in last if d <= within)] == pytest.approx(share)

    services = next(c for c in figures(at) if c["layout"]["xaxis"]["title"]["text"].startswith("incidents that"))
    assert services["layout"]["xaxis"]["tickformat"] == ",d"
    assert all(n > 0 for n in values(services["data"][0]["x"]))


def test_quarterly_follows_the_quarter_picker(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("quarterly")
    at.selectbox(key="quarterly_quarter").select("2026 Q2").run()
    assert not at.exception
    assert metric(at, "Incidents").value == f"{incidents_in(demo_db, Q2):,}"
    assert "in 2026 Q2, " in markdown(at)


def test_quarterly_keeps_its_quarter_in_the_url(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("quarterly", quarter="2026Q2")
    assert at.selectbox(key="quarterly_quarter").value == "2026 Q2"
    assert metric(at, "Incidents").value == f"{incidents_in(demo_db, Q2):,}"
    at.selectbox(key="quarterly_quarter").select("2026 Q3").run()
    assert at.query_params["quarter"] == "2026Q3"


def test_quarterly_running_quarter_says_to_date_and_compares_as_many_days(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("quarterly", quarter="2026Q4")
    assert at.selectbox(key="quarterly_quarter").value == "2026 Q4 to date"
    labels = [m.label for m in at.metric]
    assert "Done to date" in labels and "Open to date" in labels
    assert not [label for label in labels if "quarter end" in label]
    # As of 1 Nov: October against July, said in words.
    july = incidents_in(demo_db, (datetime(2026, 7, 1), datetime(2026, 8, 1)))
    assert metric(at, "Incidents").proto.help.endswith(f"2026 Q3, days 1–31: {july:,}.")
    assert any("compared with as many days of the quarter before" in c.value for c in at.caption)


def test_quarterly_applies_the_sidebar_filters_but_not_its_period(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("quarterly", severity="SEV-3", **{"from": "2025-01-01", "to": "2025-01-31"})
    only = incidents_in(demo_db, Q3, "SEV-3")
    assert only < incidents_in(demo_db, Q3)
    assert metric(at, "Incidents").value == f"{only:,}"
    assert metric(at, "SEV-1 incidents").value == "0"


def test_quarterly_without_incidents_says_so(published_json):
    other = issue("DOC-1", "Not an incident")
    published_json(json.dumps([other]))
    at = open_page("quarterly")
    assert "no quarter to review" in at.info[0].value
    assert not at.metric


# -- Incident explorer ----------------------------------------------------------------------------

def default_period(db: Path) -> list[datetime]:
    as_of = sql(db, "SELECT as_of FROM marts.build_info")[0][0]
    end = datetime.combine(as_of.date() + timedelta(days=1), datetime.min.time())
    return [end - timedelta(days=365), end]


def test_explorer_searches_key_and_summary_in_any_case(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("explorer")
    at.text_input(key="explorer_text").set_value("OUTAGE").run()
    assert not at.exception
    found = at.dataframe[0].value
    expected = sql(demo_db, "SELECT count(*) FROM marts.incidents WHERE created_at >= ? AND created_at < ? "
                            "AND summary ILIKE '%outage%'", default_period(demo_db))[0][0]
    assert 0 < len(found) == expected
    assert found["summary"].str.lower().str.contains("outage").all()

    at.radio(key="explorer_status").set_value("resolved").run()
    resolved = sql(demo_db, "SELECT count(*) FROM marts.incidents WHERE created_at >= ? AND created_at < ? "
                            "AND summary ILIKE '%outage%' AND is_resolved", default_period(demo_db))[0][0]
    assert 0 < len(at.dataframe[0].value) == resolved
    assert at.dataframe[0].value["days_to_resolve"].notna().all()

    at.text_input(key="explorer_text").set_value("x' OR 1=1 --").run()
    assert not at.exception
    assert "No incident matches" in at.info[0].value


def test_explorer_keeps_its_search_and_incident_in_the_url(demo_db, dashboard_on):
    dashboard_on(demo_db)
    oldest = sql(demo_db, "SELECT issue_key FROM marts.incidents WHERE created_at >= ? AND created_at < ? "
                          "AND summary ILIKE '%outage%' ORDER BY created_at LIMIT 1", default_period(demo_db))[0][0]
    at = open_page("explorer", q="outage", incident=oldest)
    assert at.text_input(key="explorer_text").value == "outage"
    assert at.selectbox(key="explorer_incident").value == oldest
    assert any(h.value == plain(oldest) for h in at.subheader)
    at.text_input(key="explorer_text").set_value("OUTAGE").run()
    assert at.query_params["q"] == "OUTAGE"
    newest = at.selectbox(key="explorer_incident").options[0]
    at.selectbox(key="explorer_incident").select(newest).run()
    assert at.query_params["incident"] == newest


def test_explorer_reaches_every_incident_not_the_first_rows(tmp_path, dashboard_on):
    """More incidents in the period than the table ships: the picker still offers every one."""
    db = dashboard_on(tmp_path / "big" / "followthrough.duckdb")
    assert main(["demo", "--incidents", "400"]) == 0
    at = open_page("explorer")
    matching = sql(db, "SELECT count(*) FROM marts.incidents WHERE created_at >= ? AND created_at < ?",
                   default_period(db))[0][0]
    assert matching > 200 == len(at.dataframe[0].value)
    assert len(at.selectbox(key="explorer_incident").options) == matching


def test_explorer_follows_one_incident(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("explorer")
    found = at.dataframe[0].value
    key = at.selectbox(key="explorer_incident").value
    newest_with_items = sql(demo_db, """
        SELECT i.issue_key FROM marts.incidents AS i WHERE i.created_at >= ? AND i.created_at < ?
        AND EXISTS (SELECT 1 FROM marts.action_items AS a WHERE a.incident_key = i.issue_key)
        ORDER BY i.created_at DESC, i.issue_key LIMIT 1""", default_period(demo_db))[0][0]
    assert key == newest_with_items
    assert key in shown_keys(found)
    assert any("opens on the newest incident found that has action items" in c.value for c in at.caption)

    timeline = at.dataframe[1].value
    # Time since it was opened as a duration: hours under two days, days after.
    since = (timeline["at"] - timeline["at"].iloc[0]).dt.total_seconds() / 86_400
    assert timeline["since_created"].tolist() == since.map(duration_days).tolist()
    assert timeline["since_created"].iloc[0] == "0.0 h"
    changes = sql(demo_db, "SELECT count(*) FROM staging.stg_changelog_items AS c JOIN marts.incidents AS i "
                           "USING (issue_id) WHERE i.issue_key = ? AND c.field = 'status'", [key])[0][0]
    resolved = sql(demo_db, "SELECT is_resolved FROM marts.incidents WHERE issue_key = ?", [key])[0][0]
    assert timeline["event"].tolist() == ["created"] + ["status changed"] * changes + ["resolved"] * resolved
    assert timeline["at"].is_monotonic_increasing

    items = sql(demo_db, "SELECT count(*) FROM marts.action_items WHERE incident_key = ?", [key])[0][0]
    repeats = sql(demo_db, "SELECT count(*) FROM marts.recurrences WHERE ? IN (issue_key, earlier_issue_key)",
                  [key])[0][0]
    tables = at.dataframe[2:]
    assert [len(t.value) for t in tables] == [n for n in (items, repeats) if n]
    for table in tables:
        assert table.value["url"].str.startswith("https://demo.followthrough.invalid/browse/").all()


@pytest.fixture
def hostile_db(published_json) -> Path:
    """Two incidents whose summary and service are hostile; the second repeats the first."""
    return published_json(json.dumps([
        issue("OPS-1", HOSTILE, service=HOSTILE),
        issue("OPS-2", HOSTILE, service=HOSTILE, created="2026-05-20T10:00:00.000+0000")]))


def assert_inert(at: AppTest) -> None:
    shown = markdown(at)
    assert plain(HOSTILE) in shown
    assert "<script>" not in shown and "](javascript:" not in shown


def test_explorer_shows_a_hostile_summary_as_text(hostile_db):
    at = open_page("explorer")
    assert at.dataframe[0].value["summary"].tolist() == [HOSTILE, HOSTILE]
    assert_inert(at)


def test_quarterly_summary_keeps_a_hostile_service_name_inert(hostile_db):
    at = open_page("quarterly")
    assert at.selectbox(key="quarterly_quarter").value == "2026 Q2"
    assert plain(f"The services that came back most: {HOSTILE} (1 repeat, ") in markdown(at)
    assert_inert(at)
    services = next(t.value for t in at.dataframe if "repeats" in t.value.columns)
    assert services["service"].tolist() == [HOSTILE]


# -- Data health ----------------------------------------------------------------------------------

def test_data_health_describes_the_demo(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("data_health")
    assert any("covers all the published data; the sidebar's selection" in c.value for c in at.caption)
    assert "demo data" in at.info[0].value
    issues, incidents, quarantined = sql(demo_db, "SELECT count(*), count(*) FILTER (WHERE kind = 'incident'), "
                                                  "(SELECT count(*) FROM marts.quarantine) FROM marts.issues")[0]
    assert metric(at, "Issues").value == f"{issues:,}"
    assert metric(at, "Incidents").value == f"{incidents:,}"
    assert metric(at, "Quarantined records").value == f"{quarantined:,}"
    untied = sql(demo_db, "SELECT count(*) FROM marts.action_items WHERE incident_key IS NULL")[0][0]
    warning = next(w.value for w in at.warning if w.value.startswith("**Action item tied to no incident**"))
    assert f"{counted(untied, 'issue')}. " in warning and "[action_items].link_types" in warning
    for shown in at.warning:   # each count with its noun: "1 issue", "7 issues"
        count, noun = re.search(r"\*\*: ([\d,]+) (\w+)\.", shown.value).groups()
        assert noun in (("issue", "value") if count == "1" else ("issues", "values")), shown.value
    assert any(s.value == "Incident without service: none." for s in at.success)
    assert any(s.value == "Action item without a changelog: none." for s in at.success)
    # The configuration by its place in the project, not the server's folders.
    shown = markdown(at)
    assert plain(f"Configuration: {DEMO_CONFIG.relative_to(ROOT)}.") in shown
    assert str(ROOT) not in shown


def test_data_health_lists_quarantined_records_with_reasons(published_json):
    missing_created = issue("OPS-2", "No creation date")
    del missing_created["fields"]["created"]
    published_json("\n".join([json.dumps(issue("OPS-1", "Fine")), "{not json", json.dumps(missing_created)]))
    at = open_page("data_health")
    assert metric(at, "Quarantined records").value == "2"
    reasons = sorted(at.dataframe[-1].value["reason"])
    assert reasons[0] == "missing fields.created"
    assert reasons[1].startswith("not valid JSON")


def test_data_health_works_without_incidents(published_json):
    other = issue("DOC-1", "Not an incident")
    published_json(json.dumps([other]))
    at = open_page("data_health")
    assert metric(at, "Incidents").value == "0"
    assert metric(at, "Issues").value == "1"
    assert not at.warning


def test_missing_database_is_explained(tmp_path, dashboard_on):
    dashboard_on(tmp_path / "nothing-here.duckdb")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30).run()
    assert not at.exception
    assert "No published database" in at.info[0].value


def test_quarterly_holds_its_targets_by_class_and_severity(demo_db, dashboard_on):
    """The targets table adds up to the headline attainment, counted here from marts.targets_at."""
    dashboard_on(demo_db)
    at = open_page("quarterly")
    targets = next(t.value for t in at.dataframe if "attainment" in t.value.columns)
    total = targets[targets["group"] == "All items"].iloc[0]
    met, decided, past = sql(demo_db, "SELECT count(*) FILTER (WHERE met_target), count(met_target), "
                                      "count(*) FILTER (WHERE is_breached) FROM marts.targets_at(?) "
                                      "WHERE created_at >= ? AND created_at < ?", [Q3[1], *Q3])[0]
    assert (total["met"], total["decided"], total["breached"]) == (met, decided, past)
    assert metric(at, "On target by quarter end").value == percent(met / decided)
    assert metric(at, "Past target at quarter end").value == f"{past:,}"
    assert set(targets["group"]) >= {"strategic, all severities", "operational, all severities"}
