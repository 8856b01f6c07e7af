"""`python -m etl import-csv`: a Jira "Export → CSV (all fields)" file, through the real raw store
and SQL models, into the published marts.

The main fixture, tests/fixtures/jira_export.csv, is described issue by issue in
tests/fixtures/jira_export.md: 15 rows of a realistic Cloud export (BOM, CRLF, 75 columns with
repeated Labels / Component/s / Sprint / link columns, multi-line quoted descriptions), with one
row whose dates a spreadsheet rewrote and one row cut short. Smaller files for one behaviour each
are written into tmp_path by the tests themselves.
"""
import csv
import hashlib
import json
from datetime import date, datetime

import duckdb
import pytest

from conftest import FIXTURES

EXPORT = FIXTURES / "jira_export.csv"
AS_OF = "2024-06-01T00:00:00"

CONFIG = """
[incidents]
projects = ["OPS"]
issue_types = ["Incident"]

[action_items]
labels = ["postmortem-action"]
link_types = ["Relates"]
parent = true

[fields]
severity = "Severity"
service = "components"
team = "Team"

[severity_map]
"Sev 1 - Critical" = "SEV-1"
"Sev 2 - Major" = "SEV-2"
"Sev 3 - Minor" = "SEV-3"
"Sev 4 - Cosmetic" = "SEV-4"

[classification]
strategic_labels = ["strategic"]
operational_labels = ["operational"]

[recurrence]
link_types = ["Duplicate"]
"""


@pytest.fixture
def config(tmp_path):
    path = tmp_path / "followthrough.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


@pytest.fixture
def imported(workspace, etl, config):
    code, out, err = etl("--config", config, "import-csv", EXPORT, "--as-of", AS_OF)
    assert code == 0, err
    workspace.out, workspace.err = out, err
    return workspace


def _warehouse(ws, sql, params=None):
    con = duckdb.connect(str(ws.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_csv(path, header, *rows, delimiter=",", encoding="utf-8"):
    with open(path, "w", newline="", encoding=encoding) as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


# -- the realistic export -------------------------------------------------------------------------

def test_issues_are_published_with_utc_times_labels_and_components(imported):
    rows = {r[0]: r[1:] for r in imported.query("""
        SELECT issue_key, kind, issue_type, status, status_category, created_at, closed_at,
               labels, components, assignee_name, assignee_id, project_key, due_date
        FROM marts.issues""")}
    assert set(rows) == {"OPS-101", "OPS-102", "OPS-103", "OPS-104", "OPS-105", "OPS-106", "OPS-107",
                         "OPS-108", "OPS-109", "OPS-111", "OPS-112", "OPS-114", "PLAT-210"}
    # 03/Mar/24 8:13 AM and 10:41 AM, taken as UTC.
    assert rows["OPS-101"] == ("incident", "Incident", "Done", "done", datetime(2024, 3, 3, 8, 13),
                               datetime(2024, 3, 3, 10, 41), ["customer-facing", "postmortem-done"],
                               ["checkout", "payments-api"], "Amara Okafor",
                               "712020:3f1c2a9e-5d1b-4c62-9a57-0e8c41d2b7a1", "OPS", None)
    # PM times and a resolution after midnight.
    assert rows["OPS-114"][4:6] == (datetime(2024, 5, 5, 23, 20), datetime(2024, 5, 6, 1, 5))
    # Status Category column: "In Progress" for a custom status, "To Do" for an unassigned item.
    assert rows["OPS-108"][2:4] == ("Awaiting Deploy", "indeterminate")
    assert rows["OPS-105"][2:4] == ("To Do", "new")
    assert rows["OPS-105"][8:10] == (None, None)
    assert rows["OPS-105"][11] == date(2024, 3, 15)
    assert rows["PLAT-210"][0] == "action_item" and rows["PLAT-210"][10] == "PLAT"
    assert rows["OPS-109"][0] == "other"


def test_incidents_get_severity_team_and_service_from_named_fields(imported):
    rows = {r[0]: r[1:] for r in imported.query(
        "SELECT issue_key, severity, severity_raw, service, team, resolved_at, hours_to_resolve FROM marts.incidents")}
    assert set(rows) == {"OPS-101", "OPS-102", "OPS-103", "OPS-107", "OPS-111", "OPS-114"}
    assert rows["OPS-101"][:4] == ("SEV-1", "Sev 1 - Critical", "checkout", "Payments")
    assert rows["OPS-102"][:4] == ("SEV-2", "Sev 2 - Major", "auth", "Identity")
    assert rows["OPS-111"][:4] == ("SEV-4", "Sev 4 - Cosmetic", "statuspage", "Platform")
    assert rows["OPS-101"][5] == pytest.approx(148 / 60)
    assert rows["OPS-103"][4:] == (None, None)
    assert imported.query("SELECT problem FROM marts.mapping_gaps WHERE problem LIKE '%severity%'") == []


def test_action_items_are_tied_to_incidents_by_links_and_parent(imported):
    rows = {r[0]: r[1:] for r in imported.query(
        "SELECT issue_key, incident_key, tie, class, severity, service, team, owner FROM marts.action_items")}
    assert rows == {
        "OPS-104": ("OPS-101", "link", "strategic", "SEV-1", "payments-api", "Payments", "Tomás Silva"),
        "OPS-105": ("OPS-101", "link", "operational", "SEV-1", "payments-api", "Payments", None),
        # Parent holds the id 10100; it is resolved to OPS-101 from that row's Issue id.
        "OPS-106": ("OPS-101", "parent", "operational", "SEV-1", "checkout", "Payments", "Amara Okafor"),
        "PLAT-210": ("OPS-102", "link", "strategic", "SEV-2", "auth", "Identity", "Priya Raman"),
        "OPS-108": ("OPS-107", "link", "operational", "SEV-2", "payments-api", "Payments", "Tomás Silva"),
        # Linked to OPS-45, which is not in the export.
        "OPS-112": (None, "none", "unclassified", None, None, "Platform", "Jonas Berg"),
    }
    assert imported.query("SELECT parent_key FROM marts.issues WHERE issue_key = 'OPS-106'") == [("OPS-101",)]


def test_link_columns_become_issue_links_in_both_directions(imported):
    links = set(imported.query("SELECT issue_key, link_type, direction, other_issue_key FROM marts.issue_links"))
    assert links == {
        ("OPS-101", "Relates", "outward", "OPS-104"), ("OPS-101", "Relates", "outward", "OPS-105"),
        ("OPS-104", "Relates", "inward", "OPS-101"), ("OPS-105", "Relates", "inward", "OPS-101"),
        ("OPS-102", "Relates", "outward", "PLAT-210"), ("PLAT-210", "Relates", "inward", "OPS-102"),
        ("OPS-107", "Relates", "outward", "OPS-108"), ("OPS-108", "Relates", "inward", "OPS-107"),
        ("OPS-108", "Blocks", "outward", "OPS-109"), ("OPS-109", "Blocks", "inward", "OPS-108"),
        ("OPS-112", "Relates", "inward", "OPS-45"),
    }


def test_broken_dates_and_the_short_row_are_quarantined_with_reasons(imported):
    rows = imported.query("SELECT origin, issue_key, reason, excerpt FROM marts.quarantine ORDER BY origin")
    assert [r[:3] for r in rows] == [
        ("issue OPS-110", "OPS-110", "fields.created is not a timestamp: 6/12/2024 8:13"),
        ("jira_export.csv:24", None, "row has 21 cells where the header has 75 (cut short or badly quoted)"),
    ]
    assert rows[1][3].startswith("Purge CDN cache from the deploy pipeline,OPS-113,10112,")
    # The line numbers count physical lines: OPS-101's description spans eight of them.
    assert "jira_export.csv:21 (OPS-110): no known date format for Created '6/12/2024 8:13'" in imported.err
    assert "skipped jira_export.csv:24: row has 21 cells" in imported.err


def test_the_summary_says_what_was_read_and_what_was_not_used(imported):
    message = imported.out.splitlines()[0]
    assert message.startswith("Read 15 rows from jira_export.csv (14 issues): 14 stored, 0 already stored, "
                              "1 skipped for a wrong number of cells.")
    assert "1 row has a date in no known format: 1 quarantined" in message
    assert "Dates are taken as UTC" in message
    assert "Not used: 29 columns (" in message
    unused = [line for line in imported.err.splitlines() if "columns no mapping uses:" in line]
    assert len(unused) == 1
    names = unused[0].split("columns no mapping uses: ", 1)[1].split(", ")
    for ignored in ("Description", "Sprint", "Watchers", "Legacy ticket #", "Last Viewed", "Comment"):
        assert ignored in names
    for used in ("Issue key", "Labels", "Component/s", "Custom field (Severity)", "Parent",
                 "Outward issue link (Relates)", "Status Category", "Due date"):
        assert used not in names
    summary = json.loads(_warehouse(imported, "SELECT summary FROM raw_loads WHERE kind = 'csv'")[0][0])
    assert summary["unmapped_columns"] == names
    assert (summary["rows"], summary["new_rows"], summary["rejected"], summary["quarantined_for_dates"]) == (15, 14, 1, 1)


def test_action_items_from_an_export_are_reported_as_having_no_changelog(imported):
    items = imported.query("SELECT count(*) FROM marts.action_items")[0][0]
    assert items > 0
    assert imported.query("SELECT issues FROM marts.mapping_gaps WHERE problem = 'action item without a changelog'") \
        == [(items,)]


def test_issues_link_to_the_configured_site_and_without_one_the_user_is_told(imported, etl, config):
    assert "No links to Jira: an export names no site; set url under [jira] in the configuration." in imported.out
    assert imported.query("SELECT count(*) FROM marts.issues WHERE url IS NOT NULL") == [(0,)]

    config.write_text('[jira]\nurl = "https://jira.example.com/"\n' + CONFIG, encoding="utf-8")
    code, out, err = etl("--config", config, "publish", "--as-of", AS_OF)
    assert code == 0, err
    assert imported.query("SELECT url FROM marts.issues WHERE issue_key = 'OPS-101'") == [
        ("https://jira.example.com/browse/OPS-101",)]

    config.write_text('[jira]\nurl = "javascript:alert(1)//"\n' + CONFIG, encoding="utf-8")
    code, out, err = etl("--config", config, "import-csv", EXPORT, "--as-of", AS_OF)
    assert code == 1
    assert err.strip().splitlines()[-1] == (f"error: {config}: [jira].url 'javascript:alert(1)//' is not a web "
                                            "address: use e.g. https://your-company.atlassian.net")
    assert imported.query("SELECT url FROM marts.issues WHERE issue_key = 'OPS-101'") == [
        ("https://jira.example.com/browse/OPS-101",)]


def test_rows_are_stored_untouched_as_header_value_pairs(imported):
    with open(EXPORT, newline="", encoding="utf-8-sig") as f:
        header, first = list(csv.reader(f))[:2]
    stored = _warehouse(imported, "SELECT row_number, payload FROM raw_csv_rows ORDER BY seq")
    assert len(stored) == 14
    row_number, payload = stored[0]
    assert row_number == 2
    assert json.loads(payload) == [[h, v] for h, v in zip(header, first)]
    description = dict(json.loads(payload))["Description"]
    assert description.startswith("Checkout returned HTTP 502 for ~14% of requests between 08:13 and 10:41 UTC.\r\n")
    assert '"ghost orders"' in description


def test_importing_the_same_file_again_stores_nothing_new(imported, etl, config):
    before = _warehouse(imported, "SELECT (SELECT count(*) FROM raw_csv_rows), (SELECT count(*) FROM raw_rejects)")
    marts = imported.query("SELECT issue_key, created_at, status FROM marts.issues ORDER BY 1")
    code, out, err = etl("--config", config, "import-csv", EXPORT, "--as-of", AS_OF)
    assert code == 0, err
    assert out.startswith("Read 15 rows from jira_export.csv (14 issues): 0 stored, 14 already stored, ")
    assert _warehouse(imported, "SELECT (SELECT count(*) FROM raw_csv_rows), (SELECT count(*) FROM raw_rejects)") == before
    assert imported.query("SELECT issue_key, created_at, status FROM marts.issues ORDER BY 1") == marts
    assert imported.query("SELECT count(*) FROM marts.quarantine") == [(2,)]


def test_a_later_export_with_other_columns_updates_the_issue(imported, etl, config, tmp_path):
    """A later "current fields" export (fewer columns, no Status Category) beside the full one:
    the newer Updated wins, and "Done" is known to be a done status from the other issues."""
    path = _write_csv(tmp_path / "later.csv",
                      ["Issue Type", "Issue key", "Issue id", "Summary", "Status", "Created", "Updated",
                       "Resolved", "Labels", "Labels"],
                      ["Task", "OPS-105", "10104", "Alert on 5xx rate per pod", "Done", "04/Mar/24 10:20 AM",
                       "20/May/24 2:00 PM", "20/May/24 2:00 PM", "postmortem-action", "operational"])
    code, out, err = etl("--config", config, "import-csv", path, "--as-of", AS_OF)
    assert code == 0, err
    assert out.startswith("Read 1 row from later.csv (1 issue): 1 stored, 0 already stored.")
    assert imported.query("""
        SELECT status, status_category, closed_at, kind, components FROM marts.issues
        WHERE issue_key = 'OPS-105'""") == [("Done", "done", datetime(2024, 5, 20, 14, 0), "action_item", [])]
    assert imported.query("SELECT incident_key FROM marts.action_items WHERE issue_key = 'OPS-105'") == [("OPS-101",)]
    assert imported.query("SELECT count(*) FROM marts.issues") == [(13,)]


# -- formats --------------------------------------------------------------------------------------

@pytest.mark.parametrize("created, resolved, due, expected_created, expected_resolved", [
    ("12/Jun/20 8:13 AM", "14/Jun/20 5:02 PM", "30/Jun/20", datetime(2020, 6, 12, 8, 13), datetime(2020, 6, 14, 17, 2)),
    ("12/Jun/20 08:13", "14/Jun/20 17:02", "30/Jun/20 12:00 AM", datetime(2020, 6, 12, 8, 13), datetime(2020, 6, 14, 17, 2)),
    ("12/Jun/2020 8:13 AM", "14/JUN/2020 5:02 pm", "30/Jun/2020", datetime(2020, 6, 12, 8, 13), datetime(2020, 6, 14, 17, 2)),
    ("2020-06-12 08:13", "2020-06-14 17:02:30", "2020-06-30", datetime(2020, 6, 12, 8, 13), datetime(2020, 6, 14, 17, 2, 30)),
    ("12.06.2020 08:13", "14.06.20 17:02", "30.06.2020", datetime(2020, 6, 12, 8, 13), datetime(2020, 6, 14, 17, 2)),
    # Not an export format, but text with an offset is understood downstream and converted to UTC.
    ("2020-06-12T08:13:00.000+0200", "", "", datetime(2020, 6, 12, 6, 13), None),
])
def test_date_formats_of_jira_exports(workspace, etl, config, tmp_path, created, resolved, due,
                                      expected_created, expected_resolved):
    path = _write_csv(tmp_path / "dates.csv",
                      ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Status Category",
                       "Created", "Resolved", "Due date"],
                      ["An incident", "OPS-1", "1", "Incident", "Done" if resolved else "Open",
                       "Done" if resolved else "To Do", created, resolved, due])
    code, out, err = etl("--config", config, "import-csv", path, "--as-of", AS_OF)
    assert code == 0, err
    assert "no known format" not in out
    assert workspace.query("SELECT created_at, resolved_at, due_date FROM marts.issues") == [
        (expected_created, expected_resolved, date(2020, 6, 30) if due else None)]


def test_unreadable_due_or_updated_date_keeps_the_issue(workspace, etl, config, tmp_path):
    path = _write_csv(tmp_path / "dates.csv",
                      ["Summary", "Issue key", "Status", "Created", "Updated", "Due date"],
                      ["A", "OPS-1", "Open", "12/Jun/20 8:13 AM", "12/Juin/20 9:00", "06/30/2020"],
                      ["B", "OPS-2", "Open", "31/Jun/20 8:13 AM", "", ""])
    code, out, err = etl("--config", config, "import-csv", path, "--as-of", AS_OF)
    assert code == 0, err
    assert "2 rows have a date in no known format: 1 quarantined (Created or Resolved), 1 kept without that date." in out
    assert workspace.query("SELECT issue_key, issue_id, due_date, updated_at FROM marts.issues") == [
        ("OPS-1", "OPS-1", None, None)]
    assert workspace.query("SELECT reason FROM marts.quarantine") == [
        ("fields.created is not a timestamp: 31/Jun/20 8:13 AM",)]


def test_semicolons_no_bom_keys_in_parent_and_link_columns_multi_value_custom_fields(workspace, etl, tmp_path):
    """A file a spreadsheet re-saved with semicolons and without a BOM; rows without an Issue id
    (the key stands in), a parent given by key, a link given by issue id, and a repeated custom
    field read as a list (its first value is the service)."""
    config = tmp_path / "services.toml"
    config.write_text(CONFIG.replace('service = "components"', 'service = "Affected services"'), encoding="utf-8")
    header = ["Issue key", "Summary", "Issue Type", "Status", "Created", "Labels", "Labels",
              "Custom field (Affected services)", "Custom field (Affected services)", "Custom field (Severity)",
              "Parent", "Inward issue link (Relates)", "Issue id"]
    path = _write_csv(
        tmp_path / "semi.csv", header,
        ["OPS-7", "Disk full", "Incident", "Open", "01/Feb/24 9:00 AM", "", "",
         "", "search", "Sev 3 - Minor", "", "", "70"],
        ["OPS-8", "Rotate logs", "Sub-task", "Open", "02/Feb/24 9:00 AM", "postmortem-action", "",
         "", "", "", "OPS-7", "", ""],
        ["OPS-9", "Alert on disk", "Task", "Open", "02/Feb/24 9:05 AM", "postmortem-action", "operational",
         "", "", "", "", "70", ""],
        delimiter=";")
    code, out, err = etl("--config", config, "import-csv", path, "--as-of", AS_OF)
    assert code == 0, err
    assert workspace.query("SELECT issue_key, issue_id FROM marts.issues ORDER BY 1") == [
        ("OPS-7", "70"), ("OPS-8", "OPS-8"), ("OPS-9", "OPS-9")]
    assert workspace.query("SELECT issue_key, severity, service FROM marts.incidents") == [("OPS-7", "SEV-3", "search")]
    assert workspace.query("SELECT issue_key, incident_key, tie FROM marts.action_items ORDER BY 1") == [
        ("OPS-8", "OPS-7", "parent"), ("OPS-9", "OPS-7", "link")]
    assert "Not used" not in out


def test_header_only_export_loads_nothing(workspace, etl, config, tmp_path):
    path = _write_csv(tmp_path / "none.csv", ["Summary", "Issue key", "Status", "Created"])
    code, out, err = etl("--config", config, "import-csv", path)
    assert code == 0, err
    assert out.startswith("Read 0 rows from none.csv (0 issues): 0 stored, 0 already stored.")
    assert workspace.query("SELECT count(*) FROM marts.issues") == [(0,)]


# -- user mistakes --------------------------------------------------------------------------------

def _not_a_jira_export(tmp_path):
    return _write_csv(tmp_path / "people.csv", ["name", "email"], ["Ada", "ada@example.com"])


def _latin1(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("Summary,Issue key,Status,Created\nCafé down,OPS-1,Open,12/Jun/20 8:13 AM\n".encode("latin-1"))
    return path


def _spreadsheet(tmp_path):
    path = tmp_path / "export.xlsx"
    path.write_bytes(b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00" + bytes(range(256)))
    return path


def _empty(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    return path


@pytest.mark.parametrize("make, expected", [
    (lambda tmp_path: tmp_path / "missing.csv", "no such file: "),
    (_empty, "empty.csv is empty: in Jira use Export → CSV (all fields)"),
    (_not_a_jira_export, "people.csv is not a Jira issue export: it has no “Issue key” and “Summary” columns"),
    (_latin1, "latin1.csv is not UTF-8 text"),
    (_spreadsheet, "export.xlsx is not UTF-8 text"),
    (lambda tmp_path: tmp_path, "is not a file"),
])
def test_user_mistakes_end_in_one_line_and_leave_the_published_file(imported, etl, config, tmp_path, make, expected):
    published = _digest(imported.published)
    rows = _warehouse(imported, "SELECT count(*) FROM raw_csv_rows")
    code, out, err = etl("--config", config, "import-csv", make(tmp_path))
    assert code == 1
    assert out == ""
    assert err.startswith("error: ") and expected in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _digest(imported.published) == published
    assert _warehouse(imported, "SELECT count(*) FROM raw_csv_rows") == rows
    assert _warehouse(imported, "SELECT status FROM raw_loads ORDER BY load_id DESC LIMIT 1") == [("failed",)]


def test_a_mistake_before_anything_was_published_publishes_nothing(workspace, etl, config, tmp_path):
    code, out, err = etl("--config", config, "import-csv", _not_a_jira_export(tmp_path))
    assert code == 1 and err.count("\n") == 1
    assert not workspace.published.exists()
