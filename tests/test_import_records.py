"""One bad record costs one record, whatever the file: a stray quote in a CSV export, a lone
surrogate in a JSON line, an oversized issue inside a search page or an array. The rest loads; the
bad one is quarantined with its place and reason."""
from __future__ import annotations

import json

import pytest

HEADER = "Issue key,Summary,Issue Type,Status,Created\n"
CREATED = "12/Jun/20 8:13 AM"


def csv_rows(count: int, broken: dict[int, str]) -> str:
    rows = [broken.get(n, f"OPS-{n},Outage {n},Incident,Open,{CREATED}") for n in range(1, count + 1)]
    return HEADER + "\n".join(rows) + "\n"


def keys(workspace) -> set[str]:
    return {k for (k,) in workspace.query("SELECT issue_key FROM marts.issues")}


@pytest.mark.parametrize("broken, line", [
    # Opens a quoted cell that never closes: the rest of the file would be one cell.
    ({10: f'OPS-10,"Broken summary,Incident,Open,{CREATED}'}, 11),
    # A quote a later row's quoted cell closes: the rows between would be swallowed.
    ({10: f'OPS-10,"Broken summary,Incident,Open,{CREATED}',
      40: f'OPS-40,"Quoted, with a comma",Incident,Open,{CREATED}'}, 11),
])
def test_a_stray_quote_in_a_csv_costs_its_row_alone(workspace, etl, tmp_path, broken, line):
    path = tmp_path / "export.csv"
    path.write_text(csv_rows(1000, broken))
    code, out, err = etl("import-csv", path, "--as-of", "2024-06-01T00:00:00")
    assert code == 0, err
    assert keys(workspace) == {f"OPS-{n}" for n in range(1, 1001)} - {"OPS-10"}
    quarantine = workspace.query("SELECT origin, reason FROM marts.quarantine")
    assert len(quarantine) == 1 and quarantine[0][0] == f"export.csv:{line}"
    assert "quote" in quarantine[0][1]
    assert f"export.csv:{line}" in err


def issue(key: str, **fields) -> dict:
    base = {"summary": f"Issue {key}", "issuetype": {"name": "Incident"},
            "status": {"name": "Open", "statusCategory": {"key": "new"}},
            "created": "2026-03-01T10:00:00.000+0000", "updated": "2026-03-01T10:00:00.000+0000"}
    return {"id": str(10000 + int(key.split("-")[1])), "key": key, "fields": {**base, **fields}}


def test_a_lone_surrogate_in_a_json_line_costs_that_line(workspace, etl, tmp_path):
    lines = [json.dumps(issue(f"OPS-{n}")) for n in range(1, 21)]
    lines[4] = json.dumps(issue("OPS-5")).replace("Issue OPS-5", "Issue \\ud800 OPS-5")
    path = tmp_path / "lines.ndjson"
    path.write_text("\n".join(lines) + "\n")
    code, out, err = etl("import-json", path)
    assert code == 0, err
    assert "Traceback" not in err
    assert keys(workspace) == {f"OPS-{n}" for n in range(1, 21)} - {"OPS-5"}
    [(origin, reason)] = workspace.query("SELECT origin, reason FROM marts.quarantine")
    assert origin == "lines.ndjson:5" and "surrogate" in reason


@pytest.mark.parametrize("shape", ["page", "array"])
@pytest.mark.parametrize("bad, reason", [
    ({"summary": "x" * (6 * 1024 * 1024)}, "over the 5 MB limit"),
    ({"summary": "half a character \ud800"}, "surrogate"),
])
def test_one_bad_issue_inside_a_page_or_array_costs_that_issue(workspace, etl, tmp_path, shape, bad, reason):
    issues = [issue(f"OPS-{n}") for n in range(1, 6)]
    issues[2] = issue("OPS-3", **bad)
    document = {"startAt": 0, "total": 5, "issues": issues} if shape == "page" else issues
    path = tmp_path / f"{shape}.json"
    path.write_text(json.dumps(document, indent=1))
    code, out, err = etl("import-json", path)
    assert code == 0, err
    assert keys(workspace) == {"OPS-1", "OPS-2", "OPS-4", "OPS-5"}
    [(origin, found)] = workspace.query("SELECT origin, reason FROM marts.quarantine")
    assert origin.startswith(f"{shape}.json:") and reason in found
