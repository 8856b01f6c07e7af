"""An issue's link points only at the configured site; without one, at the site its payload's
`self` names, and only when that is a plain http(s) host: `https://jira.example.com@evil.example/`
is evil.example to a browser."""
from __future__ import annotations

import json

import pytest

DECOYS = {
    "OPS-1": "https://jira.example.com@evil.example/rest/api/2/issue/1",
    "OPS-2": "https://evil.example/rest/api/2/issue/2",
    "OPS-3": "https://jira.example.com/rest/api/2/issue/3",
    "OPS-4": "https://jira.example.com\\@evil.example/rest/api/2/issue/4",
    "OPS-5": "javascript:alert(1)//rest/api/2/issue/5",
    "OPS-6": "https://jira.example.com:8443/jira/rest/api/2/issue/6",
}


def issues(tmp_path):
    path = tmp_path / "issues.ndjson"
    path.write_text("\n".join(json.dumps({"id": key.split("-")[1], "key": key, "self": link, "fields": {
        "summary": "x", "issuetype": {"name": "Incident"}, "status": {"name": "Open"},
        "created": "2026-03-01T10:00:00.000+0000"}}) for key, link in DECOYS.items()) + "\n")
    return path


@pytest.mark.parametrize("site", ["https://jira.example.com", "https://jira.example.com/jira"])
def test_with_a_configured_site_every_link_goes_there(workspace, etl, tmp_path, site):
    config = tmp_path / "followthrough.toml"
    config.write_text(f'[jira]\nurl = "{site}"\n')
    code, out, err = etl("--config", config, "import-json", issues(tmp_path))
    assert code == 0, err
    assert dict(workspace.query("SELECT issue_key, url FROM marts.issues")) == {
        key: f"{site}/browse/{key}" for key in DECOYS}


def test_without_one_only_a_plain_host_in_self_gives_a_link(workspace, etl, tmp_path):
    code, out, err = etl("import-json", issues(tmp_path))
    assert code == 0, err
    assert dict(workspace.query("SELECT issue_key, url FROM marts.issues")) == {
        "OPS-1": None, "OPS-2": "https://evil.example/browse/OPS-2", "OPS-3": "https://jira.example.com/browse/OPS-3",
        "OPS-4": None, "OPS-5": None, "OPS-6": "https://jira.example.com:8443/jira/browse/OPS-6"}
