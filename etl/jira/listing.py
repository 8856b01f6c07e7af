"""Listing the issues a JQL matches, page by page, with a cursor a crashed run can resume from.

Cloud pages by continuation token. Tokens expire (after days), so a run resumed with a stale one
starts the listing over; pages already stored are skipped by the raw store as identical versions.

Data Center pages by offset, and refuses offsets past its limit. Before that depth the listing
starts a new window, `created >= <minute of the last issue seen>`. JQL dates have minute
precision, so the new window re-reads the issues of that minute: their ids travel in the cursor and
are left out of what the caller processes again. Duplicates within a page are dropped by id too.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from etl.jira.http import JiraHttp, JiraProblem
from etl.jira.paging import Endpoint, OffsetLimit, Page, pages, pages_ahead
from etl.jira.query import jql_minute
from etl.jira.workers import Workers

log = logging.getLogger("etl.jira")

JQL_HINT = "check [jira].incident_jql and action_item_jql"


def issue_pages(http: JiraHttp, endpoint: Endpoint, request: dict, jql_for: Callable[[str | None], str],
                cursor: dict | None, zone: ZoneInfo, workers: Workers | None = None,
                ) -> Iterator[tuple[Page, dict | None, list[dict]]]:
    """Yield (page, cursor after it, the page's issues not yet processed in this run).

    With `workers`, offset pages are fetched as many at once as the site's limiter allows; token
    pages cannot be (each token comes with the page before), so Cloud runs several listings at
    once instead, one per slice of `created` (see `slices`)."""
    if endpoint.paging == "token":
        return _by_token(http, endpoint, {**request, "jql": jql_for(None)}, cursor)
    if workers is None:
        def window_pages(jql, start):
            return pages(http, endpoint, {**request, "jql": jql}, {"startAt": start}, hint=JQL_HINT)
    else:
        def window_pages(jql, start):
            return pages_ahead(http, endpoint, {**request, "jql": jql}, {"startAt": start}, workers,
                               http.limiter.concurrency, hint=JQL_HINT)
    return _by_window(window_pages, jql_for, cursor, zone)


def _by_token(http, endpoint, request, cursor):
    fetched = False
    try:
        for page in pages(http, endpoint, request, cursor, hint=JQL_HINT):
            fetched = True
            yield page, page.next, _unique(page.items)
    except JiraProblem as problem:
        if fetched or problem.status != 400 or not cursor:
            raise
        log.warning("Jira no longer accepts the saved position in the issue search; listing from the start")
        for page in pages(http, endpoint, request, None, hint=JQL_HINT):
            yield page, page.next, _unique(page.items)


def _by_window(window_pages, jql_for, cursor, zone):
    # window: lower bound on created; skip: ids of that minute already processed;
    # minute/minute_ids: the newest created minute seen so far and the ids seen in it.
    state = {"window": None, "startAt": 0, "skip": [], "minute": None, "minute_ids": [], **(cursor or {})}
    while True:
        skip = set(state["skip"])
        try:
            for page in window_pages(jql_for(state["window"]), state["startAt"]):
                fresh = []
                for issue in _unique(page.items):
                    minute = _minute(issue, zone) or state["minute"]
                    if minute != state["minute"]:
                        state["minute"], state["minute_ids"] = minute, []
                    state["minute_ids"].append(issue["id"])
                    if issue["id"] not in skip:
                        fresh.append(issue)
                if page.next is None:
                    yield page, None, fresh
                    return
                state["startAt"] = page.next["startAt"]
                yield page, {**state, "minute_ids": list(state["minute_ids"])}, fresh
        except OffsetLimit:
            if state["minute"] is None or state["minute"] == state["window"]:
                raise JiraProblem(f"more issues were created in the minute {state['window']} than Jira lets "
                                  f"one search page through: narrow {JQL_HINT.removeprefix('check ')}") from None
            state = {"window": state["minute"], "startAt": 0, "skip": state["minute_ids"],
                     "minute": None, "minute_ids": []}


def _unique(items: list[dict]) -> list[dict]:
    seen: set[str] = set()
    unique = []
    for item in items:
        if item.get("id") not in seen:
            seen.add(item.get("id"))
            unique.append(item)
    return unique


def _minute(issue: dict, zone: ZoneInfo) -> str | None:
    """None for an issue without a usable `created`: it stays with the minute before it."""
    try:
        return jql_minute(datetime.fromisoformat(issue["fields"]["created"]), zone)
    except (KeyError, TypeError, ValueError):
        return None
