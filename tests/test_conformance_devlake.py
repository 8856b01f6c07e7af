"""Real Jira payloads from Apache DevLake's suite must come out as DevLake's authors expect."""
import csv
from datetime import datetime

import pytest

from conftest import DEVLAKE


def _expected(name):
    with open(DEVLAKE / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _utc(text):
    return datetime.fromisoformat(text).replace(tzinfo=None) if text else None


@pytest.fixture
def devlake(workspace, etl):
    code, out, err = etl("import-json", DEVLAKE / "cloud_issues.ndjson",
                         DEVLAKE / "server_issues_with_links.ndjson", "--as-of", "2026-01-01T00:00:00")
    assert code == 0, err
    return workspace


def test_issues_match_devlake_extraction(devlake):
    expected = _expected("expected_issues.csv")
    assert len(expected) == 30
    rows = {r[0]: r[1:] for r in devlake.query(
        "SELECT issue_key, created_at, resolved_at, history_count, status_category, status FROM marts.issues")}
    for e in expected:
        created, resolved, history_count, category, status = rows[e["issue_key"]]
        assert created == _utc(e["created_utc"]), e["issue_key"]
        assert resolved == _utc(e["resolved_utc"]), e["issue_key"]
        assert history_count == int(e["changelog_total"]), e["issue_key"]
        assert category == e["status_category_key"], e["issue_key"]
        assert status == e["status_name"], e["issue_key"]
        if e["lead_time_minutes"]:
            assert int((resolved - created).total_seconds() // 60) == int(e["lead_time_minutes"]), e["issue_key"]


def test_links_match_devlake_extraction(devlake):
    expected = {(e["issue_key"], e["link_type"], "inward" if e["inward_issue_key"] else "outward",
                 e["inward_issue_key"] or e["outward_issue_key"]) for e in _expected("expected_links.csv")}
    assert len(expected) == 16
    got = set(devlake.query("SELECT issue_key, link_type, direction, other_issue_key FROM marts.issue_links"))
    assert got == expected


def test_every_issue_is_published_and_nothing_quarantined(devlake):
    assert devlake.query("SELECT count(*) FROM marts.issues") == [(55,)]
    assert devlake.query("SELECT count(*) FROM marts.quarantine") == [(0,)]


def test_status_periods_follow_the_changelog(devlake):
    # EE-2 was created in Inbox and moved through the workflow; the periods chain without gaps.
    periods = devlake.query("""
        SELECT status, started_at, ended_at FROM marts.status_periods
        WHERE issue_key = 'EE-2' ORDER BY period_number""")
    assert periods[0][0] == "Inbox"
    assert periods[0][1] == datetime(2020, 6, 12, 0, 15, 36, 123000)
    for before, after in zip(periods, periods[1:]):
        assert before[2] == after[1]
    assert periods[-1][2] is None
    assert periods[-1][0] == "已完成"
