"""The raw store keeps versions in the order they arrived, which decides the version the models use."""
import json
from datetime import datetime, timedelta

from etl.rawstore import RawStore


def issue(summary: str, updated: str | None) -> dict:
    fields = {"summary": summary, "created": "2026-01-05T10:00:00.000+0000",
              "issuetype": {"name": "Incident"}, "status": {"name": "Open", "statusCategory": {"key": "new"}}}
    if updated:
        fields["updated"] = updated
    return {"id": "10001", "key": "OPS-1", "fields": fields}


def page(*issues: dict) -> str:
    return json.dumps({"issues": list(issues)})


def test_a_batch_of_pages_keeps_arrival_order_for_versions_alike_in_updated(workspace, etl):
    # Eventual consistency: the same issue on two pages of one batch, edited in between without
    # a usable `updated`. The page that arrived later holds the later version.
    first = datetime(2026, 2, 1, 9, 0, 0)
    pages = [(page(issue("first words", None)), first),
             (page(*[dict(issue("filler", None), id=str(20000 + n), key=f"OPS-{100 + n}") for n in range(3000)]),
              first + timedelta(seconds=1)),
             (page(issue("last words", None)), first + timedelta(seconds=2))]
    with RawStore(workspace.warehouse) as store:
        load = store.begin_load("json", "test")
        assert store.add_search_pages(load, pages) == 3002
        stored = store.con.execute(
            "SELECT fetched_at, payload -> 'fields' ->> 'summary' FROM raw_issues WHERE issue_id = '10001' "
            "ORDER BY seq").fetchall()
        store.finish_load(load, "done")
    assert stored == [(first, "first words"), (first + timedelta(seconds=2), "last words")]
    code, out, err = etl("publish", "--as-of", "2026-03-01T00:00:00")
    assert code == 0, err
    assert workspace.query("SELECT summary FROM marts.issues WHERE issue_key = 'OPS-1'") == [("last words",)]
