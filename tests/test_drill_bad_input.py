"""Drill: hostile and malformed payloads mixed into a good batch.

Every good issue must be loaded and every bad record quarantined with its reason; nothing may
stop the import or leak into the marts.
"""
import json

import pytest

from conftest import ROOT
from etl.demo.generate import generate

GOOD = 30  # incidents; with their action items about 150 issues


def good_issues():
    return [json.loads(json.dumps(i)) for i in generate(incidents=GOOD, seed=3)]


def template(key="OPS-9000", **fields):
    base = {"summary": "ok", "issuetype": {"name": "Incident"}, "status": {"name": "Open"},
            "created": "2026-03-01T10:00:00.000+0000", "updated": "2026-03-01T10:00:00.000+0000"}
    return {"id": "0", "key": key, "fields": {**base, **fields}}


def bad_records():
    """(line as bytes, the reason it must be quarantined with)."""
    cases = []

    def add(value, reason):
        # Each record its own issue id: versions of one id would rightly collapse into the latest.
        if isinstance(value, dict) and "id" in value:
            value = {**value, "id": str(800000 + len(cases))}
        text = value if isinstance(value, (str, bytes)) else json.dumps(value)
        cases.append((text.encode() if isinstance(text, str) else text, reason))

    # Not JSON at all, or not one JSON object.
    for text in ('{"key": "OPS-1"', "{'key': 'OPS-1'}", "OPS-1,Summary", "{]", '{"a": 1} trailing',
                 "NaN-ish {", '{"key": "OPS-1", }'):
        add(text, "not valid JSON")
    for value in ([1, 2], "just a string", 42, None, True, [{"key": "OPS-1"}]):
        add(value, "not a JSON object")
    add('{"key": "OPS-9001", "key": "OPS-9002", "fields": {}}', "duplicate field name 'key'")
    add("[" * 100_000 + "]" * 100_000, "JSON nested too deeply")
    add(b'{"key": "OPS-9003", "summary": "caf\xe9"}', "not UTF-8 text")
    add(b"\xff\xfe{\x00}", "not UTF-8 text")
    # JSON objects that are not usable issues.
    no_key = template(); del no_key["key"]
    add(no_key, "missing key")
    for key in ("", "OPS", "ops 12", "12-OPS", "OPS-1; DROP TABLE marts.issues", "<b>OPS-1</b>"):
        add(template(key), "key is not an issue key")
    for key in (123, ["OPS-1"], {"k": "OPS-1"}):
        add({**template(), "key": key}, "key is not an issue key")
    no_id = template("OPS-9010"); del no_id["id"]
    add(no_id, "missing id")
    add({"id": "9011", "key": "OPS-9011"}, "missing fields")
    add({"id": "9012", "key": "OPS-9012", "fields": ["created"]}, "missing fields")
    add({"id": "9013", "key": "OPS-9013", "fields": "created"}, "missing fields")
    no_created = template("OPS-9014"); del no_created["fields"]["created"]
    add(no_created, "missing fields.created")
    for n, created in enumerate(("yesterday", "2026-13-45T10:00:00.000+0000", "2026-03-01T25:61:00.000+0000",
                                 "2026-03-01T10:00:00.000+2500", "", "0", "2026/03/01 10:00", "1700000000000",
                                 "2026-02-30T10:00:00.000+0000", "<script>alert(1)</script>"), start=9015):
        add(template(f"OPS-{n}", created=created), "fields.created is not a timestamp")
    for n, created in enumerate(([2026, 3, 1], {"date": "2026-03-01"}, 1700000000000, True), start=9030):
        add(template(f"OPS-{n}", created=created), "fields.created is not a timestamp")
    add(template("OPS-9040", created="2999-01-01T00:00:00.000+0000"), "created after the as-of time")
    for n, resolved in enumerate(("never", "2026-03-01 10:00 tomorrow", "31/12/2026"), start=9041):
        add(template(f"OPS-{n}", resolutiondate=resolved), "fields.resolutiondate is not a timestamp")
    add(template("OPS-9045", resolutiondate="2026-02-01T00:00:00.000+0000"), "resolved before it was created")
    for n, labels in enumerate(("postmortem-action", {"0": "a"}, 7), start=9046):
        add(template(f"OPS-{n}", labels=labels), "fields.labels is not a list")
    no_status = template("OPS-9050"); del no_status["fields"]["status"]
    add(no_status, "missing fields.status")
    add(template("OPS-9051", summary="x" * (6 * 1024 * 1024)), "over the 5 MB limit")
    return cases


@pytest.fixture
def drill_file(tmp_path):
    good = good_issues()
    bad = bad_records()
    lines = []
    for i, issue in enumerate(good):
        lines.append(json.dumps(issue).encode())
        if i < len(bad):
            lines.append(bad[i][0])
    lines += [line for line, _ in bad[len(good):]]
    path = tmp_path / "drill.ndjson"
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path, good, bad


def test_every_good_issue_loaded_and_every_bad_one_quarantined(workspace, etl, drill_file):
    path, good, bad = drill_file
    assert len(bad) >= 50
    code, out, err = etl("--config", ROOT / "etl" / "demo" / "followthrough.demo.toml", "import-json", path,
                         "--as-of", "2026-11-01T00:00:00")
    assert code == 0, err
    assert "Traceback" not in err
    loaded = {key for (key,) in workspace.query("SELECT issue_key FROM marts.issues")}
    assert loaded == {issue["key"] for issue in good}
    reasons = [reason for (reason,) in workspace.query("SELECT reason FROM marts.quarantine")]
    assert len(reasons) == len(bad)
    for _, expected in bad:
        assert any(expected in reason for reason in reasons), expected
    # The good batch still yields the demo's metrics.
    assert workspace.query("SELECT count(*) FROM marts.incidents") == [(GOOD,)]


def test_hostile_text_in_good_issues_is_kept_verbatim(workspace, etl, tmp_path):
    hostile = "<script>alert(1)</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)> \u202e\u0000"
    issue = {**template("OPS-1", summary=hostile), "id": "1"}
    (tmp_path / "h.json").write_text(json.dumps(issue))
    assert etl("import-json", tmp_path / "h.json")[0] == 0
    assert workspace.query("SELECT summary FROM marts.issues") == [(hostile,)]
