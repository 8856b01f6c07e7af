"""Syncing from Jira Cloud and Data Center: everything goes through the real jira client and real
HTTP to a fake site that speaks the documented protocol (tests/fakejira)."""
from __future__ import annotations

import dataclasses
import json
import logging
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import duckdb
import pytest

from etl.cli import main
from etl.errors import UserError
from etl.jira.changelogs import StoredHistories
from etl.jira.credentials import Credentials, load_credentials
from etl.jira.endpoints import DATACENTER
from etl.jira.http import JiraProblem
from etl.jira.query import jql_minute
from etl.jira.sync import PageBatch, sync
from etl.lock import etl_lock
from etl.rawstore import SYNC_MEMORY_CAP
from tests.fakejira import SEVERITY_FIELD, TEAM_FIELD, Fault, build_issues, demo_issues
from tests.fakejira.dataset import jira_time
from tests.fakejira.cli import cli_environment
from tests.fakejira.compare import histories, snapshot
from tests.fakejira.harness import QUICK, config_for, credentials_for, expected_histories, jira, run, store  # noqa: F401


def stored_ids(store) -> set[str]:
    return {r[0] for r in store.con.execute("SELECT DISTINCT issue_id FROM raw_issues").fetchall()}


def test_cloud_full_sync_stores_every_issue_as_sent_with_complete_changelogs(jira, store):
    site = jira(build_issues(150, long_every=5))
    result = run(site, store)

    assert (result.flavour, result.issues, result.new, result.updated, result.since) == ("cloud", 150, 150, 0, None)
    assert stored_ids(store) == {site.issue(key).id for key in site.keys()}
    # Each stored issue is the object Jira sent: only the fields asked for, the capped changelog.
    payload = json.loads(store.con.execute(
        "SELECT payload FROM raw_issues WHERE issue_key = 'PLAT-2'").fetchall()[0][0])
    assert "description" not in payload["fields"] and payload["fields"][SEVERITY_FIELD] is None
    assert payload["changelog"]["total"] > 40 == len(payload["changelog"]["histories"])
    assert histories(store) == expected_histories(site, site.keys())
    # Bulkfetch gives `created` as epoch milliseconds; it is stored as received.
    created = store.con.execute("SELECT json_type(payload -> 'created') FROM raw_changelogs LIMIT 1").fetchall()
    assert created[0][0] in ("UBIGINT", "BIGINT")

    searches = site.served("/rest/api/3/search/jql$")
    assert len(searches) == 2 and all(r.method == "POST" for r in searches)
    first = searches[0].args
    assert first["jql"] == f"(({site.incident_jql}) OR ({site.action_item_jql})) ORDER BY created ASC, key ASC"
    assert {SEVERITY_FIELD, TEAM_FIELD, "status", "created", "issuelinks"} <= set(first["fields"])
    assert first["expand"] == "changelog"
    assert site.served("/rest/api/3/changelog/bulkfetch") and not site.served("/rest/api/2/search")
    assert all(r.authorization.startswith("Basic ") for r in site.requests if r.path != "/rest/api/2/serverInfo")


def test_datacenter_full_sync_pages_by_offset_and_completes_changelogs_per_issue(jira, store):
    site = jira(build_issues(230, long_every=7), flavour="datacenter", changelog_cap=40)
    result = run(site, store)

    assert (result.flavour, result.issues, result.pages) == ("datacenter", 230, 3)
    # The pages after the first are asked for at once, so in any order.
    assert sorted(r.args["startAt"] for r in site.served("/rest/api/2/search$")) == [0, 100, 200]
    assert site.served(r"/rest/api/2/issue/[^/]+/changelog") and not site.served("bulkfetch")
    assert histories(store) == expected_histories(site, site.keys())
    assert all(r.authorization == f"Bearer {site.pat}" for r in site.requests if r.path != "/rest/api/2/serverInfo")


@pytest.mark.parametrize("client_limit", [None, 250], ids=["site-refuses", "client-knows-the-limit"])
def test_datacenter_moves_to_a_created_window_before_the_offset_limit(jira, store, client_limit):
    # Three issues a minute, so each new window re-reads issues already stored.
    site = jira(build_issues(700, per_minute=3), flavour="datacenter", offset_limit=250)
    endpoints = dict(DATACENTER)
    if client_limit:
        endpoints["issues"] = dataclasses.replace(DATACENTER["issues"], offset_limit=client_limit)
    result = run(site, store, endpoints=endpoints)

    assert result.issues == 700 and len(stored_ids(store)) == 700
    searches = site.served("/rest/api/2/search$")
    too_deep = [r for r in searches if r.args["startAt"] > 0 and r.args["startAt"] + r.args["maxResults"] > 250]
    # Told the limit, the client never asks past it; not told, the site's refusal moves it on.
    assert bool(too_deep) is (client_limit is None)
    assert any('created >= "' in r.args["jql"] for r in searches)
    versions = store.con.execute("SELECT count(*) FROM raw_issues").fetchall()[0][0]
    assert versions == 700   # what a window re-read is already stored, identically


def test_more_issues_in_one_minute_than_a_window_holds_is_one_clear_line(jira, store):
    site = jira(build_issues(400, per_minute=400), flavour="datacenter", offset_limit=250)
    with pytest.raises(JiraProblem, match=r"more issues were created in the minute .* narrow \[jira\]") as caught:
        run(site, store)
    assert "\n" not in str(caught.value)


def test_incremental_sync_reads_what_changed_since_the_watermark_in_the_users_time_zone(jira, store):
    # West of UTC: a watermark written in UTC would read as hours in the future and miss changes.
    site = jira(build_issues(150, long_every=5), time_zone="America/Los_Angeles")
    run(site, store)
    site.update("OPS-1", summary="Checkout down, again")
    site.update("PLAT-2", histories=2)          # a long changelog: completed again
    site.update("PLAT-3")
    new = build_issues(1, start=datetime.now(timezone.utc))[0]
    site.add({**new, "id": "99999", "key": "OPS-999"})

    began = datetime.now(timezone.utc)
    result = run(site, store)

    assert (result.issues, result.new, result.updated) == (4, 1, 3)
    zone = ZoneInfo("America/Los_Angeles")
    assert result.since in {jql_minute(began - timedelta(minutes=10, seconds=s), zone) for s in range(0, 120)}
    assert site.served("/search/jql$")[-1].args["jql"].startswith(
        f'(({site.incident_jql}) OR ({site.action_item_jql})) AND updated >= "{result.since}"')
    assert histories(store)[site.issue("PLAT-2").id] == expected_histories(site, ["PLAT-2"])[site.issue("PLAT-2").id]
    latest = store.con.execute("SELECT payload ->> '$.fields.summary' FROM raw_issues WHERE issue_key = 'OPS-1' "
                               "ORDER BY seq DESC LIMIT 1").fetchall()[0][0]
    assert latest == "Checkout down, again"
    # Histories already stored are not stored again when a long changelog is completed anew.
    assert max(snapshot(store)["fetched"].values()) == 1


def test_full_sync_reads_everything_again_and_stores_only_what_changed(jira, store):
    site = jira(build_issues(60))
    run(site, store)
    site.update("OPS-4")
    result = run(site, store, full=True)
    assert (result.since, result.issues, result.new, result.updated) == (None, 60, 0, 1)


def test_changing_the_query_or_fields_starts_over_with_a_full_sync(jira, store):
    site = jira(build_issues(30))
    run(site, store)
    cfg = config_for(site).replace(classification={"field": "customfield_10016"})
    result = sync(cfg, store, credentials=credentials_for(site), policy=QUICK)
    assert result.since is None and result.issues == 30
    assert "customfield_10016" in site.served("/search/jql$")[-1].args["fields"]


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_reconcile_retires_deleted_and_moved_issues_once(jira, store, flavour):
    site = jira(build_issues(90), flavour=flavour)
    run(site, store)
    site.delete("PLAT-5")
    site.move_out("OPS-7")

    result = run(site, store, reconcile=True)
    assert result.retired == 2
    retired = store.con.execute("SELECT issue_key, reason FROM retired_issues ORDER BY issue_key").fetchall()
    assert [k for k, _ in retired] == ["OPS-7", "PLAT-5"]
    assert all("no longer matched" in reason for _, reason in retired)
    listing = site.served("/search/jql$" if flavour == "cloud" else "/rest/api/2/search$")[-1].args
    assert listing["fields"] in (["key"], ["key", "created"]) and "updated" not in listing["jql"]

    assert run(site, store, reconcile=True).retired == 0


def test_reconcile_refuses_to_retire_everything_when_nothing_matches(jira, store):
    site = jira(build_issues(20))
    run(site, store)
    for n in range(20):
        site.move_out(f"{'OPS' if n % 3 == 0 else 'PLAT'}-{n + 1}")
    with pytest.raises(JiraProblem, match="matches no issues .* nothing was retired"):
        run(site, store, reconcile=True)
    assert store.con.execute("SELECT count(*) FROM retired_issues").fetchall()[0][0] == 0


def test_bulk_changelogs_not_offered_fall_back_to_per_issue_pages(jira, store):
    site = jira(build_issues(40, long_every=4), bulkfetch=False)
    run(site, store)
    assert site.served(r"/rest/api/3/issue/[^/]+/changelog")
    assert histories(store) == expected_histories(site, site.keys())


def test_an_issue_deleted_between_search_and_changelog_is_skipped(jira, store):
    site = jira(build_issues(10, long_every=5), flavour="datacenter", changelog_cap=40)
    site.fail(r"/issue/PLAT-2/changelog", Fault(status=404))
    assert run(site, store).issues == 10


def test_sync_command_publishes_and_prints_a_summary(jira, tmp_path, monkeypatch, capsys):
    site = jira(demo_issues(30))
    for name, value in cli_environment(site, tmp_path).items():
        monkeypatch.setenv(name, value)
    assert main(["sync"]) == 0
    out, err = capsys.readouterr()
    summary, published = out.strip().splitlines()
    assert summary.startswith(f"Synced all matching issues from {site.url} (Jira Cloud) in ")
    assert f": {len(site.keys())} new, 0 updated, 0 retired, 0 quarantined" in summary
    assert published.startswith(f"Published {tmp_path / 'data' / 'followthrough.duckdb'}: ")
    assert "30 incidents" in published
    assert "Jira sync" in err and "changelogs=" in err     # the progress bar

    site.update(site.keys()[0])
    assert main(["sync", "--reconcile"]) == 0
    assert "Synced changes since " in capsys.readouterr().out


def test_a_second_sync_while_one_runs_is_told_so(jira, tmp_path, monkeypatch, capsys):
    site = jira(build_issues(5))
    for name, value in cli_environment(site, tmp_path).items():
        monkeypatch.setenv(name, value)
    with etl_lock(tmp_path / "data" / "warehouse.duckdb"):
        assert main(["sync"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("error: another Followthrough ETL run") and "\n" not in err
    assert not site.requests


def test_fields_command_lists_fields_and_suggests_the_mapping(jira, tmp_path, monkeypatch, capsys):
    site = jira(build_issues(1), flavour="datacenter")
    for name, value in cli_environment(site, tmp_path).items():
        monkeypatch.setenv(name, value)
    assert main(["fields"]) == 0
    out = capsys.readouterr().out
    assert "customfield_10100  Severity" in out and "option (select)" in out
    assert 'severity = "customfield_10100"' in out
    assert 'service = "customfield_10300"' in out and '# service = "components"' in out
    assert 'team = "customfield_10200"' in out


def test_credentials_come_from_the_environment_over_a_dotenv_file(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_text('# local secrets\nexport JIRA_EMAIL="me@example.com"\nJIRA_API_TOKEN=\'from-file\'\n'
                      "JIRA_PAT=pat-from-file\nOTHER=ignored\n")
    creds = load_credentials({"JIRA_API_TOKEN": "from-env"}, dotenv)
    assert (creds.email, creds.api_token, creds.pat) == ("me@example.com", "from-env", "pat-from-file")
    assert "from-env" not in repr(creds) and "pat-from-file" not in repr(creds)


def test_cloud_site_with_only_a_personal_access_token_says_what_to_set(jira, store):
    site = jira(build_issues(1))
    with pytest.raises(UserError, match=r"is Jira Cloud: set JIRA_EMAIL and JIRA_API_TOKEN"):
        sync(config_for(site), store, credentials=Credentials(pat="dc-token"))


def test_server_info_hidden_from_anonymous_users_is_asked_with_credentials(jira, store):
    site = jira(build_issues(3), anonymous_server_info=False, flavour="datacenter")
    assert run(site, store).issues == 3


def test_stored_fetch_times_and_updated_are_what_the_models_expect(jira, store):
    site = jira(build_issues(3))
    run(site, store)
    updated, = store.con.execute("SELECT issue_updated FROM raw_issues WHERE issue_key = 'OPS-1'").fetchall()[0]
    assert updated == jira_time(site.issue("OPS-1").updated)


def out_of_memory_in_store(monkeypatch, fail_times: int) -> list[str]:
    """Make storing a batch's histories run out of memory the first `fail_times` times; returns
    DuckDB's memory limit as each attempt saw it."""
    limits, store_histories = [], StoredHistories.add

    def add(self, *args):
        limits.append(self.store.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0])
        if len(limits) <= fail_times:
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to allocate data of size 64.0 MiB")
        return store_histories(self, *args)

    monkeypatch.setattr(StoredHistories, "add", add)
    return limits


def test_batches_are_stored_under_the_memory_cap_and_one_that_needs_more_is_stored_once_without(
        jira, store, monkeypatch, caplog):
    default = store.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    with duckdb.connect() as con:
        con.execute("SET memory_limit = ?", [SYNC_MEMORY_CAP])
        capped = con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0]
    monkeypatch.setattr(PageBatch, "PAGES", 1)
    limits = out_of_memory_in_store(monkeypatch, fail_times=1)
    site = jira(build_issues(150, long_every=5))
    with caplog.at_level(logging.INFO, "etl.jira"):
        result = run(site, store)

    assert "1 pages needed more memory than the sync's cap; stored without it" in caplog.text
    assert limits == [capped, default, capped]  # the failed batch again without the cap, the next with it
    assert (result.issues, result.pages, result.new) == (150, 2, 150)
    assert stored_ids(store) == {site.issue(key).id for key in site.keys()}
    assert histories(store) == expected_histories(site, site.keys())
    assert store.con.execute("SELECT current_setting('memory_limit')").fetchall()[0][0] == default


class FailsFirstBatchCommit:
    """The store's connection, except that the COMMIT of the first batch of pages runs out of memory
    the way DuckDB's does: the transaction is rolled back and the error raised."""

    def __init__(self, con):
        self.con, self.storing, self.failed = con, False, False

    def execute(self, sql, *args):
        self.storing = self.storing or sql.lstrip().startswith("INSERT INTO raw_issues")
        if sql == "COMMIT" and self.storing and not self.failed:
            self.failed = True
            self.con.execute("ROLLBACK")
            raise duckdb.OutOfMemoryException("Out of Memory Error: failed to pin block")
        return self.con.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self.con, name)


def test_a_commit_that_runs_out_of_memory_is_retried_and_counted_once(jira, store, monkeypatch):
    site = jira(build_issues(150, long_every=5))
    monkeypatch.setattr(store, "con", FailsFirstBatchCommit(store.con))
    result = run(site, store)

    assert store.con.failed
    assert (result.issues, result.pages, result.new, result.changelogs) == (150, 2, 150, 30)
    assert histories(store) == expected_histories(site, site.keys())


def test_running_out_of_memory_under_the_users_limit_is_one_line_and_publishes_nothing(jira, tmp_path, monkeypatch,
                                                                                       capsys):
    site = jira(build_issues(150, long_every=5))
    for name, value in cli_environment(site, tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FOLLOWTHROUGH_MEMORY_LIMIT", "200MB")
    limits = out_of_memory_in_store(monkeypatch, fail_times=1)
    assert main(["sync"]) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "error: DuckDB ran out of memory under FOLLOWTHROUGH_MEMORY_LIMIT=200MB: raise it and run again "
        "(nothing was published)")
    assert len(limits) == 1  # the user's limit is theirs: no second try without it, which would succeed
    assert not (tmp_path / "data" / "followthrough.duckdb").exists()

    assert main(["sync"]) == 0
    assert (tmp_path / "data" / "followthrough.duckdb").exists()
