"""import-json: every good issue loaded, every bad one quarantined with its reason, never half-published."""
import json

import pytest

from conftest import DEVLAKE

CONFIG = """
[incidents]
issue_types = ["Incident"]
[action_items]
labels = ["postmortem-action"]
link_types = ["Relates"]
[fields]
severity = "customfield_10100"
service = "components"
team = "customfield_99999"
[severity_map]
"Sev 1" = "SEV-1"
"""


def issue(key, created="2026-03-01T10:00:00.000+0800", **fields):
    number = key.split("-")[1]
    base = {"summary": f"Issue {key}", "issuetype": {"name": "Incident"},
            "status": {"name": "Open", "statusCategory": {"key": "new"}},
            "created": created, "updated": created}
    return {"id": str(10000 + int(number)), "key": key, "fields": {**base, **fields}}


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "followthrough.toml"
    path.write_text(CONFIG)
    return path


def test_json_formats_are_all_understood(workspace, etl, tmp_path, config):
    (tmp_path / "page.json").write_text(json.dumps({"startAt": 0, "total": 2, "issues": [issue("OPS-1"), issue("OPS-2")]}))
    (tmp_path / "array.json").write_text(json.dumps([issue("OPS-3")]))
    (tmp_path / "lines.ndjson").write_text("\n".join(json.dumps(issue(f"OPS-{n}")) for n in (4, 5)) + "\n")
    (tmp_path / "single.json").write_text(json.dumps(issue("OPS-6")))
    code, out, err = etl("--config", config, "import-json", *(tmp_path / n for n in
                         ("page.json", "array.json", "lines.ndjson", "single.json")))
    assert code == 0, err
    assert workspace.query("SELECT count(*) FROM marts.incidents") == [(6,)]


def test_bad_records_are_quarantined_and_good_ones_loaded(workspace, etl, tmp_path, config):
    lines = [
        json.dumps(issue("OPS-1", customfield_10100={"value": "Sev 1"}, components=[{"name": "checkout"}])),
        '{"key": "OPS-2", "fields": {',                                   # truncated JSON
        json.dumps(["not", "an", "issue"]),                              # JSON, not an object
        json.dumps({"id": "10003", "key": "OPS-3", "fields": {"summary": "no created",
                    "status": {"name": "Open"}, "issuetype": {"name": "Incident"}}}),
        json.dumps(issue("OPS-4", created="yesterday at noon")),
        json.dumps({"id": "10005", "fields": {"created": "2026-03-01T10:00:00.000+0000"}}),  # no key
        json.dumps(issue("OPS-6", labels="postmortem-action")),           # labels must be a list
        json.dumps(issue("OPS-7", resolutiondate="2026-02-01T00:00:00.000+0000")),  # before created
        json.dumps(issue("OPS-8", summary="x" * 200_000)),                # enormous but valid
        json.dumps(issue("OPS-9", created="2026-03-01T10:00:00.000-0230")),
    ]
    path = tmp_path / "mixed.ndjson"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = etl("--config", config, "import-json", path)
    assert code == 0, err
    assert "mixed.ndjson:2: not valid JSON" in err
    assert "mixed.ndjson:3: not a JSON object" in err
    assert workspace.query("SELECT issue_key FROM marts.issues ORDER BY issue_key") == [
        ("OPS-1",), ("OPS-8",), ("OPS-9",)]
    reasons = dict(workspace.query("SELECT origin, reason FROM marts.quarantine"))
    assert reasons == {
        "mixed.ndjson:2": "not valid JSON (Expecting property name enclosed in double quotes)",
        "mixed.ndjson:3": "not a JSON object",
        "issue OPS-3": "missing fields.created",
        "issue OPS-4": "fields.created is not a timestamp: yesterday at noon",
        "issue 10005": "missing key",
        "issue OPS-6": "fields.labels is not a list",
        "issue OPS-7": "resolved before it was created",
    }
    # Offsets are honoured: 10:00 at -02:30 is 12:30 UTC.
    assert str(workspace.query("SELECT created_at FROM marts.issues WHERE issue_key = 'OPS-9'")[0][0]) == "2026-03-01 12:30:00"
    severity = workspace.query("SELECT severity, service FROM marts.incidents WHERE issue_key = 'OPS-1'")
    assert severity == [("SEV-1", "checkout")]
    # The team field does not exist on this site: said so, not silently empty.
    gaps = workspace.query("SELECT problem, value FROM marts.mapping_gaps WHERE problem LIKE 'configured field%'")
    assert gaps == [("configured field found on no issue", "team = customfield_99999")]


def test_duplicate_versions_are_stored_once_and_the_latest_wins(workspace, etl, tmp_path, config):
    old = issue("OPS-1", summary="first words")
    new = issue("OPS-1", summary="final words")
    new["fields"]["updated"] = "2026-03-02T10:00:00.000+0800"
    (tmp_path / "a.ndjson").write_text(f"{json.dumps(new)}\n{json.dumps(old)}\n{json.dumps(old)}\n")
    code, out, err = etl("--config", config, "import-json", tmp_path / "a.ndjson")
    assert code == 0, err
    assert "2 new versions, 1 already stored" in out
    assert workspace.query("SELECT summary FROM marts.issues") == [("final words",)]
    code, out, err = etl("--config", config, "import-json", tmp_path / "a.ndjson")
    assert "0 new versions, 3 already stored" in out


def test_missing_file_is_one_line_and_changes_nothing(workspace, etl, tmp_path, config):
    code, out, err = etl("--config", config, "import-json", DEVLAKE / "cloud_issues.ndjson")
    assert code == 0
    before = workspace.published.stat().st_mtime_ns
    code, out, err = etl("--config", config, "import-json", tmp_path / "nope.json")
    assert code == 1
    assert err.strip() == f"error: no such file: {tmp_path / 'nope.json'}"
    assert workspace.published.stat().st_mtime_ns == before


def test_file_that_is_not_utf8_is_rejected_by_name(workspace, etl, tmp_path, config):
    (tmp_path / "latin1.json").write_bytes('{"key": "OPS-1", "summary": "caf\xe9"}'.encode("latin-1"))
    code, out, err = etl("--config", config, "import-json", tmp_path / "latin1.json")
    assert code == 0
    assert "latin1.json:1: not UTF-8 text" in err
