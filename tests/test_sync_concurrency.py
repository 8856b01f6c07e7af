"""A sync at several requests in flight stores exactly what a sync one request at a time does,
never has more in flight than [jira].concurrency, and when Jira says to wait, every thread waits."""
from __future__ import annotations

import dataclasses

import pytest

from etl.jira.endpoints import CLOUD, endpoints_for
from etl.rawstore import RawStore
from tests.fakejira import Fault, build_issues
from tests.fakejira.compare import histories, snapshot
from tests.fakejira.harness import expected_histories, jira, run, store  # noqa: F401

# Pages of 25 on Cloud, so 900 issues are worth cutting into slices of `created`.
SMALL_PAGES = {"issues": dataclasses.replace(CLOUD["issues"], page_size=25)}
BULK = "/rest/api/3/changelog/bulkfetch$"


@pytest.mark.parametrize("flavour, options", [
    ("cloud", {}),
    # Windows of 250, so pages fetched at once cross into new `created` windows.
    ("datacenter", {"offset_limit": 250, "changelog_cap": 40}),
    # A site that answers 40 issues a page when asked for 100: the pages ahead follow its size.
    ("datacenter", {"page_cap": 40, "changelog_cap": 40}),
])
def test_a_concurrent_sync_stores_what_a_sequential_one_does(jira, store, tmp_path, flavour, options):
    site = jira(build_issues(900, per_minute=3, long_every=4), flavour=flavour, latency=0.01, **options)
    endpoints = {**endpoints_for(flavour), **(SMALL_PAGES if flavour == "cloud" else {})}
    with RawStore(tmp_path / "sequential.duckdb") as one:
        sequential = run(site, one, concurrency=1, endpoints=endpoints)
        expected = snapshot(one)
    assert site.peak_in_flight == 1
    searched = len(site.requests)
    site.peak_in_flight = 0

    concurrent = run(site, store, concurrency=4, endpoints=endpoints)
    assert snapshot(store) == expected
    assert histories(store) == expected_histories(site, site.keys())
    assert (concurrent.issues, concurrent.new, concurrent.changelogs) == \
        (sequential.issues, sequential.new, sequential.changelogs) == (900, 900, 225)
    assert 1 < site.peak_in_flight <= 4
    if flavour == "cloud":
        sliced = [r for r in site.requests[searched:] if r.path.endswith("/search/jql") and 'created < "' in r.args["jql"]]
        assert len({r.args["jql"] for r in sliced}) > 4


def test_a_429_holds_every_thread_back_for_its_retry_after(jira, store):
    site = jira(build_issues(900, long_every=4), latency=0.02)
    site.fail(BULK, *[Fault()] * 3, Fault(status=429, headers={"Retry-After": "1"}))
    run(site, store, concurrency=4, endpoints={**endpoints_for("cloud"), **SMALL_PAGES})

    told = site.served(BULK)[3].at + site.latency   # when the 429 went out
    # The client learns of it a moment later (longer on a busy machine), and requests already on
    # their way arrive meanwhile; from then on every thread waits the second it asked for, so the
    # site hears nothing for about a second, ending no earlier than a second after the 429.
    after = sorted(r.at for r in site.requests if r.at > told)
    pauses = [b - a for a, b in zip([told, *after], after) if b >= told + 1.0]
    assert pauses, "the run went on after the wait"
    assert pauses[0] >= 0.9, f"requests came {pauses[0]:.2f} s apart around the 429's second, not a second"
    assert histories(store) == expected_histories(site, site.keys())
