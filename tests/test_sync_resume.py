"""A sync stopped at any moment resumes where its last page committed: nothing lost, nothing stored
twice, the watermark untouched and nothing published until a run completes."""
from __future__ import annotations

import dataclasses
import os
import signal
import time
from pathlib import Path

import pytest

from etl.jira.endpoints import CLOUD, endpoints_for
from etl.jira.http import JiraProblem
from etl.jira.sync import RUN, WATERMARK, PageBatch
from etl.rawstore import RawStore
from tests.fakejira import Fault, build_issues, demo_issues
from tests.fakejira.cli import cli_environment, etl_process
from tests.fakejira.compare import snapshot
from tests.fakejira.harness import jira, run, store  # noqa: F401

PASS = Fault()


def reference(site, tmp_path) -> dict:
    with RawStore(tmp_path / "reference.duckdb") as raw:
        run(site, raw)
        return snapshot(raw)


# Pages of 25 on Cloud, so 700 issues make enough pages to be cut into slices.
PAGE = 25
SMALL_PAGES = {"issues": dataclasses.replace(CLOUD["issues"], page_size=PAGE)}


@pytest.mark.parametrize("flavour, search, options, concurrency", [
    ("cloud", "/rest/api/3/search/jql$", {}, 1),
    ("cloud", "/rest/api/3/search/jql$", {}, 4),
    # Small windows, so the run stops inside its third window with the boundary in its cursor.
    ("datacenter", "/rest/api/2/search$", {"offset_limit": 250, "changelog_cap": 40}, 1),
    ("datacenter", "/rest/api/2/search$", {"offset_limit": 250, "changelog_cap": 40}, 4),
])
def test_a_run_that_fails_midway_resumes_to_the_same_store(jira, store, tmp_path, flavour, search, options,
                                                           concurrency):
    site = jira(build_issues(700, per_minute=3, long_every=6), flavour=flavour, **options)
    endpoints = {**endpoints_for(flavour), **(SMALL_PAGES if flavour == "cloud" else {})}
    expected = reference(site, tmp_path)
    before = len(site.served(search))

    if flavour == "cloud":
        # Every page from the fourth of a slice on is refused. Which slices the threads had reached
        # depends on timing, but the slice that stops the run stored its first three pages, so it
        # has a cursor. (Refusing the nth request overall left every stored slice finished at times.)
        site.fail(search, *[Fault(status=403)] * 1000, when=lambda args: site.page_offset(args) >= 3 * PAGE)
    else:
        site.fail(search, *[PASS] * 6, *[Fault(status=403)] * 100)
    with pytest.raises(JiraProblem, match="403"):
        run(site, store, concurrency=concurrency, endpoints=endpoints)
    settled(site)
    site.heal()
    state = store.get_state(RUN)
    assert state["counts"]["pages"] >= 3 and store.get_state(WATERMARK) is None
    assert any(piece["cursor"] for piece in state["slices"])
    assert len(state["slices"]) > 1 if flavour == "cloud" and concurrency > 1 else len(state["slices"]) == 1
    assert store.con.execute("SELECT status FROM raw_loads").fetchall() == [("failed",)]
    resumed_from = len(site.served(search))

    result = run(site, store, concurrency=concurrency, endpoints=endpoints)
    assert result.resumed and result.issues == 700 and result.new == 700
    assert snapshot(store) == expected
    assert store.get_state(RUN) is None and store.get_state(WATERMARK)
    # The resumed run asks for the page after the last one stored in each slice, not the first.
    asked = [r.args for r in site.served(search)[resumed_from:]]
    if flavour == "cloud":
        starts = [a for a in asked if not a.get("nextPageToken")]
        assert len(starts) == sum(not piece["cursor"] and not piece["done"] for piece in state["slices"])
    else:
        assert 'created >= "' in asked[0]["jql"] and asked[0]["startAt"] == state["slices"][0]["cursor"]["startAt"]
    assert len(site.served(search)) - before > 1


def settled(site, seconds: float = 5) -> None:
    """Waits until the fake answers nothing: a failed run's threads may have a request in flight."""
    deadline = time.monotonic() + seconds
    while site.in_flight and time.monotonic() < deadline:
        time.sleep(0.01)


def test_an_expired_page_token_starts_the_listing_over(jira, store, tmp_path, caplog):
    site = jira(build_issues(500, long_every=5))
    expected = reference(site, tmp_path)
    site.fail("/search/jql$", PASS, PASS, Fault(status=403))
    with pytest.raises(JiraProblem):
        run(site, store)
    site.expire_tokens()

    result = run(site, store)
    assert result.resumed and snapshot(store) == expected
    assert "listing from the start" in caplog.text


def test_an_incremental_run_that_fails_keeps_the_old_watermark(jira, store):
    site = jira(build_issues(300))
    run(site, store)
    watermark = store.get_state(WATERMARK)
    for key in ("OPS-1", "PLAT-2", "PLAT-3"):
        site.update(key)
    site.fail("/search/jql$", Fault(status=403))
    with pytest.raises(JiraProblem):
        run(site, store)
    assert store.get_state(WATERMARK) == watermark

    result = run(site, store)
    assert result.resumed and result.updated == 3 and store.get_state(WATERMARK) != watermark


def test_a_failed_sync_command_publishes_nothing(jira, tmp_path, monkeypatch, capsys):
    from etl.cli import main

    site = jira(build_issues(250))
    for name, value in cli_environment(site, tmp_path).items():
        monkeypatch.setenv(name, value)
    site.fail("/search/jql$", PASS, Fault(status=403))
    assert main(["sync"]) == 1
    err = capsys.readouterr().err.strip().splitlines()[-1]
    assert err.startswith(f"error: Jira refused the issue search at {site.url} (403 Forbidden")
    assert not (tmp_path / "data" / "followthrough.duckdb").exists()


def wait_until_idle(pid: int, quiet: float = 1.0, timeout: float = 60) -> None:
    """Until the process has used no CPU for `quiet` seconds: it has done all it can and waits."""
    def cpu() -> int:
        return sum(int(n) for n in Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[11:13])
    deadline, last, since = time.monotonic() + timeout, cpu(), time.monotonic()
    while time.monotonic() - since < quiet:
        assert time.monotonic() < deadline, "the run never stopped working"
        time.sleep(0.1)
        if (now := cpu()) != last:
            last, since = now, time.monotonic()


def test_kill_9_mid_run_then_a_clean_run_equals_an_uninterrupted_sync(jira, tmp_path):
    # A round trip on every answer keeps the run going long enough to be killed in the middle.
    site = jira(demo_issues(1200), latency=0.02)
    # The reference fetches one request at a time; the run killed fetches at the default
    # concurrency, slices of the listing at once.
    clean = etl_process(cli_environment(site, tmp_path / "clean", concurrency=1), "sync")
    assert clean.wait(timeout=120) == 0, clean.stderr.read()
    assert site.peak_in_flight == 1

    env = cli_environment(site, tmp_path / "killed")
    served = len(site.served("/search/jql$"))
    victim = etl_process(env, "sync")
    deadline = time.monotonic() + 60
    # Pages are committed in batches: once a few batches' worth is fetched the site stops
    # answering the search, and the run is killed when it has stored what it holds and waits.
    while len(site.served("/search/jql$")) < served + 3 * PageBatch.PAGES and time.monotonic() < deadline:
        time.sleep(0.01)
    site.hold("/search/jql$")
    try:
        wait_until_idle(victim.pid)
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait()
    finally:
        # Held answers would otherwise block the site's threads until it stops, hiding the failure.
        site.release()
        if victim.poll() is None:
            victim.kill()
            victim.wait()
    assert site.peak_in_flight > 1
    with RawStore(tmp_path / "killed" / "data" / "warehouse.duckdb") as raw:
        state = raw.get_state(RUN)
        assert state["counts"]["pages"] >= 3, "killed after the run had finished"
        assert len(state["slices"]) > 1 and not all(piece["done"] for piece in state["slices"])
    assert not (tmp_path / "killed" / "data" / "followthrough.duckdb").exists()

    again = etl_process(env, "sync")
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "resuming an interrupted run" in out
    with RawStore(tmp_path / "clean" / "data" / "warehouse.duckdb") as a, \
            RawStore(tmp_path / "killed" / "data" / "warehouse.duckdb") as b:
        assert snapshot(a) == snapshot(b)
        assert b.con.execute("SELECT status FROM raw_loads ORDER BY load_id").fetchall() == [("failed",), ("done",)]
