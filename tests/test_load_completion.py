"""A load counts only once it completes: rows of a load that failed, or that a killed process left
`running`, are never published, and `status` says which loads are left out and why. A sync
resumed to completion makes the rows of its earlier, interrupted loads count."""
from __future__ import annotations

import json

from etl.cli import main
from etl.rawstore import RawStore, utcnow
from tests.fakejira import Fault, build_issues
from tests.fakejira.cli import cli_environment
from tests.fakejira.harness import jira  # noqa: F401


def issue(key: str) -> str:
    number = int(key.split("-")[1])
    return json.dumps({"id": str(10000 + number), "key": key, "fields": {
        "summary": f"Issue {key}", "issuetype": {"name": "Incident"},
        "status": {"name": "Open", "statusCategory": {"key": "new"}},
        "created": "2026-03-01T10:00:00.000+0000", "updated": "2026-03-01T10:00:00.000+0000"}})


def published_keys(workspace) -> set[str]:
    return {key for (key,) in workspace.query("SELECT issue_key FROM marts.issues")}


def leave_load(workspace, source: str, keys: list[str], status: str | None) -> None:
    """What a failed import (status `failed`) or a killed one (no status: still `running`) leaves."""
    with RawStore(workspace.warehouse) as store:
        load_id = store.begin_load("json", source)
        store.add_issue_texts(load_id, [issue(k) for k in keys], utcnow())
        if status:
            store.finish_load(load_id, status, {"error": "disk full"})


def test_rows_of_failed_and_interrupted_loads_are_not_published_and_status_says_so(workspace, etl, tmp_path):
    (tmp_path / "good.ndjson").write_text(issue("OPS-1") + "\n")
    assert etl("import-json", tmp_path / "good.ndjson")[0] == 0
    leave_load(workspace, "failed.ndjson", ["OPS-2", "OPS-3"], "failed")
    leave_load(workspace, "killed.ndjson", ["OPS-4"], None)

    code, out, err = etl("publish")
    assert code == 0, err
    assert published_keys(workspace) == {"OPS-1"}
    code, out, err = etl("status")
    assert code == 0, err
    excluded = [line for line in out.splitlines() if "failed.ndjson" in line or "killed.ndjson" in line]
    assert len(excluded) == 2, out
    assert "2 issue versions" in excluded[0] and "failed: disk full" in excluded[0]
    assert "1 issue version" in excluded[1] and "interrupted" in excluded[1]


def test_a_version_only_an_excluded_load_stored_is_stored_again(workspace, etl, tmp_path):
    leave_load(workspace, "failed.ndjson", ["OPS-2"], "failed")
    (tmp_path / "again.ndjson").write_text(issue("OPS-2") + "\n")
    code, out, err = etl("import-json", tmp_path / "again.ndjson")
    assert code == 0, err
    assert "1 new versions" in out
    assert published_keys(workspace) == {"OPS-2"}


def test_a_failed_sync_counts_only_once_a_resumed_run_completes(jira, tmp_path, monkeypatch, capsys):
    site = jira(build_issues(250))
    for name, value in cli_environment(site, tmp_path).items():
        monkeypatch.setenv(name, value)
    published = tmp_path / "data" / "followthrough.duckdb"
    site.fail("/search/jql$", Fault(), Fault(status=403))
    assert main(["sync"]) == 1
    assert main(["publish"]) == 0
    capsys.readouterr()

    def issues() -> int:
        import duckdb
        with duckdb.connect(str(published), read_only=True) as con:
            return con.execute("SELECT count(*) FROM marts.issues").fetchall()[0][0]

    assert issues() == 0
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert "100 issue versions" in out and "a sync that resumes it and completes" in out, out

    assert main(["sync"]) == 0
    assert "resuming an interrupted run" in capsys.readouterr().out
    assert issues() == 250
