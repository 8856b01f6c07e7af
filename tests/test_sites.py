"""One data folder, one Jira site at a time: every load records the site its payloads are from, and
a publish uses the configured site's alone (issue ids repeat across sites: 10000 is on every one)."""
from __future__ import annotations

import json

import duckdb

from etl.cli import main
from tests.fakejira import build_issues
from tests.fakejira.cli import cli_environment
from tests.fakejira.harness import jira  # noqa: F401


def use(site, tmp_path, monkeypatch) -> None:
    # Both sites' configurations point at the same data folder, as a user changing [jira].url would.
    for name, value in cli_environment(site, tmp_path / site.url.rsplit(":", 1)[1]).items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("FOLLOWTHROUGH_DB", str(tmp_path / "data" / "followthrough.duckdb"))


def published(tmp_path, sql: str) -> list[tuple]:
    with duckdb.connect(str(tmp_path / "data" / "followthrough.duckdb"), read_only=True) as con:
        return con.execute(sql).fetchall()


def renamed(issues: list[dict], word: str) -> list[dict]:
    return [{**i, "fields": {**i["fields"], "summary": f"{word} {i['key']}"}} for i in issues]


def test_syncing_another_site_into_the_folder_publishes_that_site_alone(jira, tmp_path, monkeypatch, capsys):
    first = jira(renamed(build_issues(40), "First"))
    second = jira(renamed(build_issues(25), "Second"))
    use(first, tmp_path, monkeypatch)
    assert main(["sync"]) == 0
    use(second, tmp_path, monkeypatch)
    assert main(["sync"]) == 0
    err = capsys.readouterr().err
    assert published(tmp_path, "SELECT count(*), count(*) FILTER (WHERE summary LIKE 'Second %') "
                               "FROM marts.issues") == [(25, 25)]
    assert published(tmp_path, "SELECT DISTINCT split_part(url, '/browse/', 1) FROM marts.issues") == [(second.url,)]
    note = [line for line in err.splitlines() if first.url in line]
    assert note and "FOLLOWTHROUGH_DB" in note[0] and "FOLLOWTHROUGH_WAREHOUSE" in note[0]

    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert any(first.url in line and "another Jira site" in line for line in out.splitlines()), out


def test_an_import_belongs_to_the_site_configured_when_it_was_imported(jira, tmp_path, monkeypatch, capsys):
    first = jira(build_issues(5))
    second = jira(build_issues(3))
    issue = {"id": "777", "key": "OPS-777", "fields": {
        "summary": "Imported", "issuetype": {"name": "Incident"}, "status": {"name": "Open"},
        "created": "2026-03-01T10:00:00.000+0000", "updated": "2026-03-01T10:00:00.000+0000"}}
    (tmp_path / "one.json").write_text(json.dumps(issue))
    use(first, tmp_path, monkeypatch)
    assert main(["import-json", str(tmp_path / "one.json")]) == 0
    assert published(tmp_path, "SELECT issue_key FROM marts.issues") == [("OPS-777",)]
    use(second, tmp_path, monkeypatch)
    assert main(["sync"]) == 0
    assert ("OPS-777",) not in published(tmp_path, "SELECT issue_key FROM marts.issues")
    use(first, tmp_path, monkeypatch)
    assert main(["publish"]) == 0
    assert published(tmp_path, "SELECT issue_key FROM marts.issues") == [("OPS-777",)]


def test_with_no_site_configured_a_folder_of_two_sites_is_refused(jira, tmp_path, monkeypatch, capsys):
    first, second = jira(build_issues(5)), jira(build_issues(5))
    use(first, tmp_path, monkeypatch)
    assert main(["sync"]) == 0
    use(second, tmp_path, monkeypatch)
    assert main(["sync"]) == 0
    before = (tmp_path / "data" / "followthrough.duckdb").read_bytes()
    config = tmp_path / "nourl.toml"
    config.write_text("")
    capsys.readouterr()
    assert main(["--config", str(config), "publish"]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and err.startswith("error: ")
    assert first.url in err and second.url in err and "[jira].url" in err and "FOLLOWTHROUGH_WAREHOUSE" in err
    assert (tmp_path / "data" / "followthrough.duckdb").read_bytes() == before


def test_what_a_publish_says_it_was_built_from_is_that_site_alone(jira, tmp_path, monkeypatch):
    first, second = jira(build_issues(6)), jira(build_issues(4))
    use(first, tmp_path, monkeypatch)
    assert main(["sync"]) == 0
    use(second, tmp_path, monkeypatch)
    assert main(["sync"]) == 0
    assert published(tmp_path, "SELECT sources FROM marts.build_info") == [([second.url],)]
    assert published(tmp_path, f"SELECT count(*) FROM marts.quarantine WHERE source = '{first.url}'") \
        == [(0,)]
