"""As of means as of: a publish at a past moment sees each issue as it stood then, from its
changelog, and a resolution later than the payload was fetched is quarantined with its reason."""
import json

import pytest

CONFIG = """
[incidents]
issue_types = ["Incident"]
[action_items]
labels = ["postmortem-action"]
link_types = ["Action item"]
# No issue is In Progress now, so Jira does not say which category it is in.
[status_categories]
"In Progress" = "indeterminate"
"""


def change(n: int, at: str, field: str, from_value, from_string, to_value, to_string) -> dict:
    return {"id": str(n), "created": at, "items": [{"field": field, "from": from_value, "fromString": from_string,
                                                    "to": to_value, "toString": to_string}]}


def item() -> dict:
    """Filed 1 March, started 2 March, reassigned and its due date moved on 4 March, Done on 6 March."""
    return {"id": "7", "key": "PLAT-7", "fields": {
        "summary": "Add circuit breaker", "issuetype": {"name": "Task"}, "project": {"key": "PLAT"},
        "labels": ["postmortem-action"],
        "status": {"name": "Done", "statusCategory": {"key": "done"}},
        "resolution": {"name": "Done"}, "resolutiondate": "2026-03-06T09:00:00.000+0000",
        "assignee": {"accountId": "b", "displayName": "Bea"}, "duedate": "2026-03-20",
        "created": "2026-03-01T09:00:00.000+0000", "updated": "2026-03-06T09:00:00.000+0000"},
        "changelog": {"total": 5, "histories": [
            change(1, "2026-03-02T09:00:00.000+0000", "status", "1", "To Do", "3", "In Progress"),
            change(2, "2026-03-04T09:00:00.000+0000", "assignee", "a", "Ann", "b", "Bea"),
            change(3, "2026-03-04T10:00:00.000+0000", "duedate", "2026-03-10", "2026-03-10", "2026-03-20",
                   "2026-03-20"),
            change(4, "2026-03-06T09:00:00.000+0000", "status", "3", "In Progress", "5", "Done"),
            change(5, "2026-03-06T09:00:00.000+0000", "resolution", None, None, "1", "Done")]}}


@pytest.fixture
def published(workspace, etl, tmp_path):
    def publish(issues: list[dict], as_of: str) -> None:
        config = tmp_path / "followthrough.toml"
        config.write_text(CONFIG)
        source = tmp_path / "issues.json"
        source.write_text(json.dumps(issues))
        assert etl("--config", config, "import-json", source, "--as-of", as_of)[0] == 0
    return publish


@pytest.mark.parametrize("as_of, expected", [
    ("2026-03-03T00:00:00", ("In Progress", "indeterminate", None, None, None, "Ann", "2026-03-10")),
    ("2026-03-05T00:00:00", ("In Progress", "indeterminate", None, None, None, "Bea", "2026-03-20")),
    ("2026-03-07T00:00:00", ("Done", "done", "2026-03-06 09:00:00", "2026-03-06 09:00:00", "Done", "Bea", "2026-03-20")),
])
def test_an_issue_is_seen_as_it_stood_at_the_as_of_time(published, workspace, as_of, expected):
    published([item()], as_of)
    row = workspace.query("SELECT status, status_category, resolved_at::VARCHAR, closed_at::VARCHAR, resolution, "
                          "assignee_name, due_date::VARCHAR FROM marts.issues WHERE issue_key = 'PLAT-7'")[0]
    assert row == expected
    state = workspace.query("SELECT is_open, outcome, owner FROM marts.action_item_states")[0]
    assert state == (expected[1] != "done", "done" if expected[1] == "done" else None, expected[5])


def test_a_resolution_later_than_the_fetch_is_quarantined(published, workspace):
    late = item()
    late["key"], late["id"] = "PLAT-8", "8"
    late["fields"]["resolutiondate"] = "2099-01-01T00:00:00.000+0000"
    published([item(), late], "2026-03-07T00:00:00")
    assert workspace.query("SELECT issue_key FROM marts.issues") == [("PLAT-7",)]
    (reason,) = workspace.query("SELECT reason FROM marts.quarantine")[0]
    assert reason.startswith("resolved after it was fetched: 2099-01-01")
