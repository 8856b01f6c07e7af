"""A sync run: list the matching issues page by page, and store each page, its completed
changelogs and the cursor that follows it in one raw-store transaction.

The listing may be cut into slices of `created` fetched at once (see `slices` and `fetching`);
each slice has its own cursor in the run's checkpoint. Killed at any moment (kill -9 included),
the store holds a prefix of each slice's pages and the cursor after exactly those pages, so the
next run continues each slice there and neither loses nor repeats a page. The
watermark, the server's clock when a run began, advances only when a run completes; incremental
runs ask for `updated >=` that watermark minus the configured overlap.

Callers hold `etl_lock`: a run assumes it is the only writer.
"""
from __future__ import annotations

import copy
import logging
import time
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Protocol

import duckdb

from etl.config import Config
from etl.jira import slices
from etl.jira.changelogs import Changelogs, StoredHistories
from etl.jira.credentials import Credentials, load_credentials
from etl.jira.endpoints import COUNTS, endpoints_for
from etl.jira.fetching import Fetched, fetched
from etl.jira.http import JiraProblem, RetryPolicy
from etl.jira.paging import Endpoint
from etl.jira.query import base_jql, issue_fields, jql_minute, search_jql
from etl.jira.reconcile import REASON, issues_gone
from etl.jira.site import Site, connect
from etl.jira.workers import Workers
from etl.rawstore import RawStore, utcnow

log = logging.getLogger("etl.jira")

RUN = "jira.run"
WATERMARK = "jira.watermark"


class Progress(Protocol):
    def start(self, total: int | None, done: int) -> None: ...
    def advance(self, issues: int, changelogs: int) -> None: ...


@dataclass(frozen=True)
class SyncResult:
    site: str
    flavour: str
    since: str | None      # lower bound on `updated`, in `zone`; None for a full sync
    zone: str
    resumed: bool
    pages: int
    issues: int
    changelogs: int        # issues whose changelog had to be fetched apart
    new: int
    updated: int
    retired: int
    seconds: float


def sync(cfg: Config, store: RawStore, *, full: bool = False, reconcile: bool = False,
         credentials: Credentials | None = None, policy: RetryPolicy | None = None,
         endpoints: dict[str, Endpoint] | None = None, progress: Progress | None = None) -> SyncResult:
    began = time.monotonic()
    base, fields = base_jql(cfg), issue_fields(cfg)
    policy = policy or RetryPolicy.giving_up_after(cfg.jira.give_up_after_seconds)
    site = connect(cfg.jira.url, credentials or load_credentials(), policy, cfg.jira.concurrency)
    endpoints = endpoints or endpoints_for(site.flavour)
    load_id = store.begin_load(f"sync-{site.flavour}", site.url, site.url)
    try:
        run, resumed = _start_or_resume(store, cfg, site, base, fields, full, reconcile, load_id)
        if run["phase"] == "issues":
            _fetch_issues(store, site, endpoints, run, load_id, base, fields, progress)
        if run["phase"] == "reconcile":
            gone = issues_gone(store, site, endpoints["keys"], lambda window: search_jql(base, None, window))
            with store.transaction():
                store.retire(load_id, gone, REASON)
                _checkpoint(store, run, phase="done", retired=len(gone))
        with store.transaction():
            store.set_state(WATERMARK, {"fingerprint": run["fingerprint"], "server_time": run["started"]})
            store.clear_state(RUN)
        new, updated = store.issue_changes(run["run_id"], site.url)
        counts = run["counts"]
        result = SyncResult(site=site.url, flavour=site.flavour, since=run["since"], zone=str(site.zone),
                            resumed=resumed, pages=counts["pages"], issues=counts["issues"],
                            changelogs=counts["changelogs"], new=new, updated=updated,
                            retired=counts["retired"], seconds=round(time.monotonic() - began, 3))
        store.finish_load(load_id, "done", asdict(result))
        return result
    except BaseException as exc:
        store.fail_load(load_id, exc)
        raise


def _start_or_resume(store: RawStore, cfg: Config, site: Site, base: str, fields: list[str], full: bool,
                     reconcile: bool, load_id: int) -> tuple[dict, bool]:
    fingerprint = {"site": site.url, "jql": base, "fields": fields}
    run = store.get_state(RUN)
    # An interrupted full run also serves an incremental request; not the other way round.
    if run and run["fingerprint"] == fingerprint and not (full and run["since"]):
        if reconcile and run["phase"] == "done":
            run["phase"] = "reconcile"
        run["reconcile"] = run["reconcile"] or reconcile
        if "cursor" in run:
            # Checkpointed before listings were sliced: its one cursor is that of the whole listing.
            run["slices"] = [{**slices.whole()[0], "cursor": run.pop("cursor")}]
        log.info("resuming the interrupted sync after %d pages", run["counts"]["pages"])
        store.continue_run(load_id, run["run_id"])
        return run, True
    if run:
        log.warning("discarding an interrupted sync of a different site, query or field list")
    mark = store.get_state(WATERMARK)
    since = None
    if not full and mark and mark["fingerprint"] == fingerprint:
        since = jql_minute(datetime.fromisoformat(mark["server_time"]) - timedelta(minutes=cfg.jira.overlap_minutes),
                           site.zone)
    run = {"fingerprint": fingerprint, "run_id": load_id, "since": since, "started": site.server_time.isoformat(),
           "phase": "issues", "slices": None, "reconcile": reconcile,
           "counts": {"pages": 0, "issues": 0, "changelogs": 0, "retired": 0}}
    with store.transaction():
        store.set_state(RUN, run)
    return run, False


def _fetch_issues(store: RawStore, site: Site, endpoints: dict[str, Endpoint], run: dict, load_id: int,
                  base: str, fields: list[str], progress: Progress | None) -> None:
    changelogs = Changelogs(site.http, endpoints)
    stored = StoredHistories(store, load_id)
    endpoint = endpoints["issues"]
    planning = run["slices"] is None and endpoint.paging == "token"
    count = _count(site, search_jql(base, run["since"], ordered=False)) if progress or planning else None

    def jql_for(piece: dict, window: str | None) -> str:
        return search_jql(base, run["since"], window or piece["after"], before=piece["before"])

    batch = PageBatch()
    with Workers(2 * site.http.limiter.concurrency, "jira-fetch") as workers:
        if run["slices"] is None:
            pieces = (slices.plan(site.http, endpoint, base, run["since"], site.zone, count, workers)
                      if planning else slices.whole())
            with store.transaction():
                _checkpoint(store, run, phase="issues", slices=pieces)
        if progress:
            progress.start(count, run["counts"]["issues"])
        try:
            for page in fetched(site.http, endpoint, run["slices"], {"fields": fields}, jql_for, site.zone,
                                changelogs, workers):
                batch.add(page)
                if progress:
                    progress.advance(page.fresh, len(page.needy))
                if batch.full():
                    full, batch = batch, PageBatch()
                    _commit(store, stored, run, load_id, full)
        except BaseException:
            # Jira failed or the user interrupted: the pages in hand are good, keep them, but never
            # let a failure to store them hide why the run stopped.
            if batch.pages:
                try:
                    _commit(store, stored, run, load_id, batch)
                except Exception:
                    log.exception("could not keep the %d pages fetched before the run stopped", len(batch.pages))
            raise
    if batch.pages:
        _commit(store, stored, run, load_id, batch)


class PageBatch:
    """Pages stored and checkpointed together. One commit per page made storing cost more than
    fetching. A run killed mid-batch fetches these pages again (and those fetched meanwhile);
    the stored versions dedupe by content."""
    PAGES = 10
    SECONDS = 5.0

    def __init__(self):
        self.began = time.monotonic()
        self.pages: list[tuple[str, datetime]] = []  # body, when it arrived
        self.needy: dict[str, dict] = {}  # by id: the same issue can come back on a later page
        self.histories: dict[str, list[dict]] = {}
        self.cursors: dict[int, dict | None] = {}  # by slice: its cursor after its last page here
        self.issues = 0
        self.changelogs = 0

    def add(self, page: Fetched) -> None:
        self.pages.append((page.text, utcnow()))
        self.needy.update((issue["id"], issue) for issue in page.needy)
        self.histories.update(page.histories)
        self.cursors[page.slice] = page.cursor
        self.issues += page.fresh
        self.changelogs += len(page.needy)

    def full(self) -> bool:
        return len(self.pages) >= self.PAGES or time.monotonic() - self.began >= self.SECONDS


def _commit(store: RawStore, stored: StoredHistories, run: dict, load_id: int, batch: PageBatch) -> None:
    before = copy.deepcopy(run)
    try:
        with store.capped_transaction():
            _store_batch(store, stored, run, load_id, batch)
    except duckdb.OutOfMemoryException:
        if store.memory_limit_set:
            raise
        # The cap is there to trim the cache, not to refuse a batch of very large issues. A failed
        # COMMIT comes after `_checkpoint` advanced `run`, so the retry starts from the copy.
        log.info("%d pages needed more memory than the sync's cap; stored without it", len(batch.pages))
        run.clear()
        run.update(before)
        with store.transaction():
            _store_batch(store, stored, run, load_id, batch)


def _store_batch(store: RawStore, stored: StoredHistories, run: dict, load_id: int, batch: PageBatch) -> None:
    store.add_search_pages(load_id, batch.pages)
    stored.add(load_id, list(batch.needy.values()), batch.histories, batch.pages[-1][1])
    pieces = copy.deepcopy(run["slices"])
    for n, cursor in batch.cursors.items():
        pieces[n].update(cursor=cursor, done=cursor is None)
    listed = all(piece["done"] for piece in pieces)
    _checkpoint(store, run, phase=("reconcile" if run["reconcile"] else "done") if listed else "issues",
                slices=pieces, pages=len(batch.pages), issues=batch.issues, changelogs=batch.changelogs)


def _checkpoint(store: RawStore, run: dict, *, phase: str, slices: list[dict] | None = None, **counts: int) -> None:
    """Write the run's next state; `run` changes only once that is in the open transaction."""
    following = copy.deepcopy(run)
    following["phase"] = phase
    if slices is not None:
        following["slices"] = slices
    for name, n in counts.items():
        following["counts"][name] += n
    store.set_state(RUN, following)
    run.update(following)


def _count(site: Site, jql: str) -> int | None:
    path, body, answer = COUNTS[site.flavour]
    try:
        _, data = site.http.fetch("POST", path, what="the issue count", body={**body, "jql": jql})
    except JiraProblem as problem:
        log.info("no issue count for the progress bar: %s", problem)
        return None
    return data.get(answer) if isinstance(data, dict) else None
