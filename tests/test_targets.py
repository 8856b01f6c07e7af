"""Targets, owners, cost of delay, risks, due-date slips, hand-over and post-mortem gaps: from
given Jira issues, through import-json and the real models, to the figures docs/metrics.md
defines. The as-of time is 1 June 2026; the worked example there is this data."""
import json

import pytest

AS_OF = "2026-06-01T00:00:00"
CONFIG = """
[incidents]
issue_types = ["Incident"]
[action_items]
labels = ["postmortem-action"]
[fields]
severity = "customfield_10100"
service = "components"
team = "labels:team-"
[severity_map]
"Sev 1" = "SEV-1"
"Sev 2" = "SEV-2"
"Sev 4" = "SEV-4"
[classification]
strategic_labels = ["strategic"]
operational_labels = ["operational"]
[risk]
field = "description"
"""
IMPACT = '\n[cost_of_delay]\nimpact_field = "customfield_10300"\nimpact_unit = "customers affected"\n'
RISK_FIELD = CONFIG.replace('field = "description"', 'field = "customfield_10400"')
ALL_TIME = "{'start': TIMESTAMP '2000-01-01', 'end': TIMESTAMP '2030-01-01', 'severity': [], 'service': [], 'team': []}"

_ids = iter(range(20000, 30000))


def when(day: str) -> str:
    return f"{day}T00:00:00.000+0000"


def person(name: str) -> dict:
    return {"accountId": name.lower(), "displayName": name}


def issue(key, created, *, kind="Incident", status=("Open", "new"), resolved=None, histories=(), **fields):
    body = {"summary": f"Summary of {key}", "issuetype": {"name": kind},
            "status": {"name": status[0], "statusCategory": {"key": status[1]}},
            "created": when(created), "updated": when(created), "labels": fields.pop("labels", []),
            **({"resolutiondate": when(resolved)} if resolved else {}), **fields}
    return {"id": str(next(_ids)), "key": key, "self": f"https://jira.example.com/rest/api/2/issue/{key}",
            "fields": body, "changelog": {"total": len(histories), "histories": list(histories)}}


def incident(key, created, severity, service="checkout", team="Payments", resolved=None, **fields):
    more = {"customfield_10100": {"value": severity}} if severity else {}
    return issue(key, created, resolved=resolved, status=("Resolved", "done") if resolved else ("Open", "new"),
                 components=[{"name": service}], labels=[f"team-{team}"], **more, **fields)


def item(key, created, parent, cls, *, closed=None, assignee=None, **fields):
    status = fields.pop("status", ("Done", "done") if closed else ("To Do", "new"))
    return issue(key, created, kind="Task", parent={"key": parent}, resolved=closed, status=status,
                 labels=["postmortem-action", cls], assignee=person(assignee) if assignee else None, **fields)


def history(n, day, field, old, new, old_text=None, new_text=None):
    return {"id": str(n), "created": when(day), "author": {"displayName": "Someone"},
            "items": [{"field": field, "fieldId": field, "from": old, "fromString": old_text or old,
                       "to": new, "toString": new_text or new}]}


def due_change(n, day, old, new):
    return history(n, day, "duedate", old, new, f"{old} 00:00:00.0", f"{new} 00:00:00.0")


ISSUES = [
    incident("OPS-1", "2026-01-01", "Sev 1", resolved="2026-01-02", assignee=person("Alice")),
    incident("OPS-2", "2026-03-01", "Sev 2", customfield_10300=120),
    incident("OPS-3", "2026-04-01", "Sev 4", customfield_10300="30"),
    incident("OPS-4", "2026-04-28", "Sev 1", service="search", team="Data", resolved="2026-05-01"),
    incident("OPS-5", "2026-05-26", "Sev 2", service="search", team="Data", resolved="2026-05-28"),
    incident("OPS-6", "2026-01-03", "Sev 4", service="search", team="Data", resolved="2026-01-04"),
    incident("OPS-7", "2026-03-15", None),
    # Never started, still with the incident's assignee, its due date moved later twice and once back.
    item("ACT-1", "2026-01-05", "OPS-1", "strategic", assignee="Alice", duedate="2026-04-01",
         description="Make checkout survive a card-network outage.\n\nh3. Risk\n\n"
                     "If we do not fix this, we lose 30% of our customer transactions.\n\nh3. Plan\nQueue.",
         histories=[due_change(1, "2026-01-30", "2026-02-01", "2026-03-01"),
                    due_change(2, "2026-02-28", "2026-03-01", "2026-04-15"),
                    due_change(3, "2026-03-10", "2026-04-15", "2026-04-01")]),
    # Nobody owns it; it moved recently, so it is not stalled; "Riskless" is no risk section.
    item("ACT-2", "2026-01-10", "OPS-1", "strategic", description="Riskless, they said.",
         status=("In Progress", "indeterminate"),
         customfield_10400="Payments stop when the ledger lags.",
         histories=[history(4, "2026-05-20", "status", "1", "3", "To Do", "In Progress")]),
    item("ACT-3", "2026-01-06", "OPS-1", "operational", closed="2026-01-10", assignee="Bob"),
    item("ACT-4", "2026-01-06", "OPS-1", "operational", closed="2026-02-01", assignee="Bob"),
    item("ACT-5", "2026-05-10", "OPS-1", "strategic", assignee="Carol",
         description="Context first.\n*Risk:* checkout fails for 30% of users\n\nMore text."),
    # Its incident has no severity, so no target.
    item("ACT-6", "2026-03-20", "OPS-7", "operational"),
    # Dropped two days after filing: a decision, neither met nor missed.
    item("ACT-8", "2026-01-06", "OPS-1", "operational", closed="2026-01-08", assignee="Bob",
         resolution={"name": "Won't Do"}),
]


@pytest.fixture
def published(workspace, etl, tmp_path):
    def publish(config: str = CONFIG):
        path = tmp_path / "followthrough.toml"
        path.write_text(config)
        data = tmp_path / "issues.ndjson"
        data.write_text("".join(json.dumps(i) + "\n" for i in ISSUES))
        if not workspace.warehouse.exists():
            code, _, err = etl("--config", path, "import-json", data, "--as-of", AS_OF)
        else:
            code, _, err = etl("--config", path, "publish", "--as-of", AS_OF)
        assert code == 0, err
        return workspace
    return publish


def rows(ws, sql: str) -> dict:
    return {r[0]: r[1:] for r in ws.query(sql.replace("$ALL", ALL_TIME))}


def test_each_item_gets_a_target_by_class_and_severity(published):
    ws = published()
    got = rows(ws, "SELECT issue_key, target_days, target_at::date::varchar, met_target, is_breached, is_near_target, "
                   "round(days_past_target, 1) FROM marts.targets_at(TIMESTAMP '2026-06-01')")
    assert got == {
        "ACT-1": (28, "2026-02-02", False, True, False, 119.0),   # open past its target
        "ACT-2": (28, "2026-02-07", False, True, False, 114.0),
        "ACT-3": (7, "2026-01-13", True, False, False, None),     # done by its target
        "ACT-4": (7, "2026-01-13", False, False, False, None),    # done, late
        "ACT-5": (28, "2026-06-07", None, False, True, None),     # open, due in six days
        "ACT-6": (None, None, None, False, False, None),          # no severity, no target
        "ACT-8": (7, "2026-01-13", None, False, False, None),     # dropped
    }


def test_attainment_counts_only_decided_items(published):
    ws = published()
    got = rows(ws, "SELECT coalesce(class, 'all') || '/' || coalesce(severity, 'all'), items, without_target, "
                   "dropped, decided, met, missed, breached, near_target, attainment "
                   "FROM marts.target_attainment($ALL)")
    assert got["strategic/SEV-1"] == (3, 0, 0, 2, 0, 2, 2, 1, 0.0)
    assert got["operational/SEV-1"] == (3, 0, 1, 2, 1, 1, 0, 0, 0.5)
    assert got["operational/(none)"] == (1, 1, 0, 0, 0, 0, 0, 0, None)
    assert got["operational/all"] == (4, 1, 1, 2, 1, 1, 0, 0, 0.5)
    assert got["all/all"] == (7, 1, 1, 4, 1, 3, 2, 1, 0.25)


def test_state_at_a_period_end_uses_what_was_known_then(published):
    ws = published()
    # At 1 February ACT-1's target (2 February) had not passed, and its due date had slipped once.
    got = rows(ws, "SELECT issue_key, met_target, is_near_target, due_date_slips, days_slipped "
                   "FROM marts.targets_at(TIMESTAMP '2026-02-01') WHERE issue_key = 'ACT-1'")
    assert got == {"ACT-1": (None, True, 1, 28)}
    period = ("{'start': TIMESTAMP '2026-01-01', 'end': TIMESTAMP '2026-02-01', "
              "'severity': [], 'service': [], 'team': []}")
    got = rows(ws, f"SELECT class || '/' || severity, decided, met FROM marts.target_attainment({period}) "
                   "WHERE total_level = 0")
    # ACT-4 closed at that very moment, after its target.
    assert got["operational/SEV-1"] == (2, 1)
    assert got["strategic/SEV-1"] == (0, 0)


def test_slips_risks_and_hand_over(published):
    ws = published()
    got = rows(ws, "SELECT issue_key, due_date_slips, days_slipped, risk, missing_risk, not_handed_over, "
                   "stalled_since::date::varchar FROM marts.targets_at(TIMESTAMP '2026-06-01') "
                   "WHERE class = 'strategic'")
    assert got == {
        "ACT-1": (2, 73, "If we do not fix this, we lose 30% of our customer transactions.", False, True, "2026-02-04"),
        "ACT-2": (0, 0, None, True, True, None),
        "ACT-5": (0, 0, "checkout fails for 30% of users", False, False, None),
    }


def test_risk_from_a_custom_field(published):
    ws = published(RISK_FIELD)
    got = rows(ws, "SELECT issue_key, risk, missing_risk FROM marts.targets_at(TIMESTAMP '2026-06-01') "
                   "WHERE class = 'strategic'")
    assert got == {"ACT-1": (None, True), "ACT-2": ("Payments stop when the ledger lags.", False),
                   "ACT-5": (None, True)}


def test_owner_and_team_figures(published):
    ws = published()
    columns = "open, overdue, breached, near_target, stalled, strategic_stalled, not_handed_over, stalled_cost_incidents"
    assert rows(ws, f"SELECT accountable, {columns} FROM marts.owner_figures($ALL, 'team')") == {
        "Payments": (4, 1, 2, 1, 2, 1, 2, 3)}
    assert rows(ws, f"SELECT accountable, {columns} FROM marts.owner_figures($ALL, 'owner')") == {
        "Alice": (1, 1, 1, 0, 1, 1, 1, 3),
        "no owner": (2, 0, 1, 0, 1, 0, 1, 1),
        "Carol": (1, 0, 0, 1, 0, 0, 0, 0),
    }  # Bob's items are all done: he has no row


def test_cost_of_delay_weighs_incidents_by_severity(published):
    ws = published()
    got = rows(ws, "SELECT item_key, list(incident_key ORDER BY incident_key), sum(cost) "
                   "FROM marts.stalled_delay($ALL) GROUP BY ALL")
    # SEV-2 weighs 4, SEV-4 1, an incident without a severity 1.
    assert got == {"ACT-1": (["OPS-2", "OPS-3", "OPS-7"], 6), "ACT-6": (["OPS-3"], 1)}
    assert rows(ws, "SELECT level || '/' || name, stalled_items, incidents, cost, incidents_without_cost, cost_measure "
                    "FROM marts.delay_totals($ALL)") == {
        "service/checkout": (1, 3, 6, 0, "severity-weighted incidents"),
        "team/Payments": (1, 3, 6, 0, "severity-weighted incidents"),
    }
    # The same window as the item's incidents_while_open.
    assert ws.query("SELECT incidents_while_open FROM marts.action_items WHERE issue_key = 'ACT-1'") == [(3,)]


def test_recorded_impact_replaces_the_weight_and_is_named(published):
    ws = published(CONFIG + IMPACT)
    assert rows(ws, "SELECT level || '/' || name, incidents, cost, incidents_without_cost, cost_measure "
                    "FROM marts.delay_totals($ALL) WHERE level = 'service'") == {
        "service/checkout": (3, 150, 1, "customers affected")}


def test_postmortem_gaps(published):
    ws = published()
    got = rows(ws, "SELECT issue_key, round(days_since_resolved) FROM marts.postmortem_gaps($ALL)")
    # OPS-5 was resolved four days ago, OPS-6 is SEV-4, OPS-1 has items.
    assert got == {"OPS-4": (31,)}
    team = ALL_TIME.replace("'team': []", "'team': ['Payments']")
    assert ws.query(f"SELECT count(*) FROM marts.postmortem_gaps({team})") == [(0,)]
    # Before OPS-4 was a week past its resolution it was not yet a gap.
    early = ALL_TIME.replace("2030-01-01", "2026-05-05")
    assert ws.query(f"SELECT count(*) FROM marts.postmortem_gaps({early})") == [(0,)]


def test_filters_select_by_the_items_dimensions(published):
    ws = published()
    data = ALL_TIME.replace("'team': []", "'team': ['Data']")
    assert ws.query(f"SELECT count(*) FROM marts.selected_targets({data})") == [(0,)]
    sev2 = ALL_TIME.replace("'severity': []", "'severity': ['SEV-2']")
    assert ws.query(f"SELECT count(*) FROM marts.owner_figures({sev2}, 'team')") == [(0,)]
