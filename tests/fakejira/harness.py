"""What the sync tests share: fake sites started per test, a raw store, a quick retry policy."""
from __future__ import annotations

import pytest

from etl.config import Config, parse_config
from etl.jira.credentials import Credentials
from etl.jira.http import RetryPolicy
from etl.jira.sync import SyncResult, sync
from etl.rawstore import RawStore

from .dataset import SEVERITY_FIELD, TEAM_FIELD, build_issues
from .server import FakeJira

# Waits in milliseconds, so the retry paths run in a blink; budgets stay well above them.
QUICK = RetryPolicy(budget_seconds=5, first_wait_seconds=0.01, max_wait_seconds=0.05, malformed_attempts=3,
                    connect_timeout=2, read_timeout=0.5)


@pytest.fixture
def jira():
    """Starts fake sites: jira(issues=None, **FakeJira options). Stopped after the test."""
    started = []

    def start(issues: list[dict] | None = None, **options) -> FakeJira:
        site = FakeJira(build_issues(120) if issues is None else issues, **options)
        site.start()
        started.append(site)
        return site

    yield start
    for site in started:
        site.stop()


@pytest.fixture
def store(tmp_path):
    with RawStore(tmp_path / "warehouse.duckdb") as raw:
        yield raw


def config_for(site: FakeJira, **jira: object) -> Config:
    """The site's queries and fields; `jira` sets further [jira] keys (concurrency=1)."""
    return parse_config({"jira": {"url": site.url, "incident_jql": site.incident_jql,
                                  "action_item_jql": site.action_item_jql, **jira},
                         "fields": {"severity": SEVERITY_FIELD, "team": TEAM_FIELD}})


def credentials_for(site: FakeJira) -> Credentials:
    return Credentials(email=site.email, api_token=site.api_token, pat=site.pat)


def run(site: FakeJira, store: RawStore, *, policy: RetryPolicy = QUICK, concurrency: int | None = None,
        **options) -> SyncResult:
    """A sync of `site` into `store`; `concurrency` overrides [jira].concurrency's default."""
    jira = {} if concurrency is None else {"concurrency": concurrency}
    return sync(config_for(site, **jira), store, credentials=credentials_for(site), policy=policy, **options)


def expected_histories(site: FakeJira, keys) -> dict[str, set[str]]:
    return {(issue := site.issue(key)).id: {h["id"] for h in issue.histories} for key in keys}
