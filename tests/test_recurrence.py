"""Recurrence as a leader reads it, from given incidents to marts.recurrences: each return carries
the strongest evidence that ties it to an earlier incident, and only evidence that counts makes
it a repeat; "came back while fixes were open" looks at every earlier incident it repeats."""
import json

import pytest

from conftest import Workspace
from etl.similarity import similarity

CONFIG = """
[incidents]
issue_types = ["Incident"]
[action_items]
labels = ["postmortem-action"]
link_types = ["Action item"]
[recurrence]
window_days = 60
link_types = ["Recurrence"]
cause_field = "labels:cause-"
{extra}
"""


def incident(n: int, summary: str, day: int, *, service: str = "checkout", labels=(), links=()) -> dict:
    created = f"2026-03-{day:02d}T10:00:00.000+0000"
    return {"id": str(n), "key": f"OPS-{n}", "fields": {
        "summary": summary, "issuetype": {"name": "Incident"}, "project": {"key": "OPS"},
        "status": {"name": "Open", "statusCategory": {"key": "new"}}, "created": created, "updated": created,
        "components": [{"name": service}], "labels": list(labels), "issuelinks": list(links)}}


def item(n: int, incident_key: str, day: int, *, closed_day: int | None = None, strategic: bool = True) -> dict:
    created = f"2026-03-{day:02d}T12:00:00.000+0000"
    done = closed_day is not None
    return {"id": str(n), "key": f"PLAT-{n}", "fields": {
        "summary": f"Fix for {incident_key}", "issuetype": {"name": "Task"}, "project": {"key": "PLAT"},
        "status": {"name": "Done" if done else "To Do", "statusCategory": {"key": "done" if done else "new"}},
        "resolutiondate": f"2026-03-{closed_day:02d}T12:00:00.000+0000" if done else None,
        "created": created, "updated": created,
        "labels": ["postmortem-action"] + (["strategic"] if strategic else []),
        "issuelinks": [{"type": {"name": "Action item", "inward": "is action for", "outward": "has action"},
                        "inwardIssue": {"key": incident_key}}]}}


def recurs(key: str) -> dict:
    return {"type": {"name": "Recurrence", "inward": "recurs", "outward": "recurs as"}, "inwardIssue": {"key": key}}


@pytest.fixture
def returns(workspace: Workspace, etl, tmp_path):
    def publish(issues: list[dict], extra: str = "") -> dict:
        config = tmp_path / "followthrough.toml"
        config.write_text(CONFIG.format(extra=extra))
        source = tmp_path / "issues.json"
        source.write_text(json.dumps(issues))
        code, _, err = etl("--config", config, "import-json", source, "--as-of", "2026-04-30T00:00:00")
        assert code == 0, err
        rows = workspace.query("SELECT issue_key, earlier_issue_key, evidence, counts_as_repeat, recurred_while_open, "
                               "open_items_from, earlier_open_item_keys FROM marts.recurrences ORDER BY issue_key")
        return {r[0]: r[1:] for r in rows}
    return publish


def test_each_return_carries_the_strongest_evidence(returns):
    got = returns([
        incident(1, "Checkout cart totals miscalculated after deploy", 1, labels=["cause-checkout-rounding"]),
        incident(2, "Checkout cart totals miscalculated again", 5),                   # similar to 1
        incident(3, "Checkout login page blank", 8, labels=["cause-checkout-rounding"]),  # same cause as 1
        incident(4, "Checkout orders stuck in pending", 10, links=[recurs("OPS-3")]),     # linked to 3
        incident(5, "Checkout promo codes rejected during flash sale", 12),               # same service only
        incident(6, "Search index stale", 14, service="search"),                          # first on its service
    ])
    assert got["OPS-2"][:3] == ("OPS-1", "similar_summary", True)
    assert got["OPS-3"][:3] == ("OPS-1", "same_cause", True)
    assert got["OPS-4"][:3] == ("OPS-3", "link", True)
    assert got["OPS-5"][1:3] == ("same_service", False)
    assert "OPS-1" not in got and "OPS-6" not in got


def test_which_evidence_counts_is_configured(returns):
    got = returns([incident(1, "Checkout latency spike", 1), incident(2, "Checkout refunds not processed", 9)],
                  extra='counts_as_repeat = ["same_service"]')
    assert got["OPS-2"][:3] == ("OPS-1", "same_service", True)


def test_came_back_while_fixes_were_open_looks_past_the_nearest_incident(returns):
    # OPS-1's strategic item is still open when OPS-3 comes; OPS-2 came in between, its item closed.
    got = returns([
        incident(1, "Checkout card authorisations failing", 1),
        incident(2, "Checkout card authorisations failing again", 10),
        incident(3, "Checkout card authorisations failing (recurring)", 20),
        item(101, "OPS-1", 2),
        item(102, "OPS-2", 11, closed_day=12),
    ])
    later, evidence, counts, while_open, open_from, open_items = got["OPS-3"]
    assert (later, evidence, counts) == ("OPS-2", "similar_summary", True)
    assert while_open and open_from == ["OPS-1"] and open_items == ["PLAT-101"]


def test_returns_on_the_same_service_alone_do_not_make_it_a_repeat_while_open(returns):
    got = returns([incident(1, "Checkout latency spike", 1), incident(2, "Checkout promo codes rejected", 9),
                   item(101, "OPS-1", 2)])
    assert got["OPS-2"][1:4] == ("same_service", False, True)


def at(issue: dict, created: str) -> dict:
    issue["fields"]["created"] = issue["fields"]["updated"] = created
    return issue


# service_pairs compares incidents within spans of time a window long (60 days here) and their
# neighbours; 2026-01-07T00:00Z is where two spans meet.
@pytest.mark.parametrize("later, returns_to_earlier", [
    ("2026-03-07T23:00:00.000+0000", True),    # exactly the window after, in the next span
    ("2026-03-07T23:01:00.000+0000", False),   # a minute past the window
    ("2026-01-07T01:00:00.000+0000", True),    # two hours after, across the spans' edge
])
def test_the_window_holds_to_the_minute_across_the_edge_of_two_spans(returns, later, returns_to_earlier):
    got = returns([at(incident(1, "Checkout latency spike", 1), "2026-01-06T23:00:00.000+0000"),
                   at(incident(2, "Checkout promo codes rejected", 1), later)])
    assert ("OPS-2" in got) is returns_to_earlier
    if returns_to_earlier:
        assert got["OPS-2"][:2] == ("OPS-1", "same_service")


@pytest.mark.parametrize("service, a, b, alike", [
    ("price-adapter", "Price adapter elevated 5xx error rate",
     "Price adapter elevated 5xx error rate after feature flag rollout", True),
    ("payments-api", "Payments API: card authorisations failing (OPS-123)", "Card authorisations failing for Visa", True),
    ("search", "Search index stale", "Stale search index after reindex job", True),
    ("store-webhooks", "Store webhooks partial outage after config change",
     "Store webhooks latency spike after config change", False),
    ("checkout", "Checkout latency spike", "Checkout promo codes rejected", False),
])
def test_the_default_threshold_on_realistic_titles(service, a, b, alike):
    assert (similarity(a, b, service) >= 80) is alike


def test_the_demo_holds_every_kind_of_evidence(demo_db):
    import duckdb
    con = duckdb.connect(str(demo_db), read_only=True)
    kinds = dict(con.execute("SELECT evidence, count(*) FROM marts.recurrences GROUP BY 1").fetchall())
    assert set(kinds) == {"link", "same_cause", "similar_summary", "same_service"}
    summaries = con.execute("SELECT count(DISTINCT summary), count(*) FROM marts.incidents").fetchall()[0]
    assert summaries[0] > 0.8 * summaries[1]
