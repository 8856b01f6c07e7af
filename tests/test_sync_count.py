"""The issue count only feeds the progress bar: when Jira cannot give it, a sync still fetches,
stores and publishes, and when the search itself is refused the user reads Jira's reason."""
from __future__ import annotations

import pytest

from etl.cli import main
from tests.fakejira import Fault, build_issues
from tests.fakejira.cli import cli_environment
from tests.fakejira.harness import jira  # noqa: F401

COUNT = "/rest/api/3/search/approximate-count$"


@pytest.fixture
def environment(tmp_path, monkeypatch):
    def point(site):
        for name, value in cli_environment(site, tmp_path).items():
            monkeypatch.setenv(name, value)
        return tmp_path / "data" / "followthrough.duckdb"
    return point


def test_a_query_jira_refuses_is_one_line_naming_the_setting(jira, environment, tmp_path, capsys):
    site = jira(build_issues(20))
    environment(site)
    config = tmp_path / "followthrough.toml"
    config.write_text(config.read_text().replace(site.incident_jql, "project = NOPE"))
    assert main(["sync"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    last = err.strip().splitlines()[-1]
    assert last.startswith(f"error: Jira refused the issue search at {site.url} (400: ")
    assert last.endswith("check [jira].incident_jql and action_item_jql")


@pytest.mark.parametrize("count", [
    "absent", Fault(status=400), Fault(status=403), Fault(status=429, headers={"Retry-After": "3600"})],
    ids=["no-endpoint", "bad-request", "refused", "rate-limited"])
def test_without_a_count_the_sync_still_fetches_stores_and_publishes(jira, environment, capsys, count):
    site = jira(build_issues(150), approximate_count=count != "absent")
    if count != "absent":
        site.fail(COUNT, count)
    published = environment(site)
    assert main(["sync"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "150 new" in out and published.exists()
    assert site.served(COUNT) and site.served("/rest/api/3/search/jql$")
