"""Cutting a Cloud listing into slices of `created`, so several token chains run at once.

A token chain is one request at a time: each token comes with the page before it. The matching
issues are split by when they were created, between the oldest and the newest (two one-issue
searches), into even spans of time; each slice is `created >= a AND created < b` on the same
literal minutes as its neighbours, so every issue is in exactly one slice whatever Jira makes of
the minutes, and the last slice is open, so an issue created while we page lands in it. `created`
never changes, so an issue cannot move between slices. Slices are planned once per run and kept
in its checkpoint with their cursors; a resumed run pages the same slices.

There are more slices than requests in flight, so a slice that is mostly empty does not leave a
thread idle, and none for a query matching a few pages: slicing it would cost more requests than
it saves.
"""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from etl.jira.http import JiraHttp
from etl.jira.listing import JQL_HINT
from etl.jira.paging import Endpoint
from etl.jira.query import jql_minute, search_jql
from etl.jira.workers import Workers

SLICES_PER_REQUEST = 4   # slices per request in flight
PAGES_PER_SLICE = 3      # the fewest pages a slice is cut for


def whole() -> list[dict]:
    return [_slice(None, None)]


def plan(http: JiraHttp, endpoint: Endpoint, base: str, since: str | None, zone: ZoneInfo,
         count: int | None, workers: Workers) -> list[dict]:
    """The slices of the listing; `count` is how many issues match (None if Jira gave no count)."""
    wanted = http.limiter.concurrency * SLICES_PER_REQUEST
    if count is not None:
        wanted = min(wanted, count // (PAGES_PER_SLICE * endpoint.page_size))
    if http.limiter.concurrency == 1 or wanted < 2:
        return whole()
    ends = [workers.submit(_created, http, endpoint, search_jql(base, since, newest_first=newest_first))
            for newest_first in (False, True)]
    oldest, newest = (end.result() for end in ends)
    if oldest is None or newest is None or newest <= oldest:
        return whole()
    cuts: list[str] = []
    for n in range(1, wanted):
        minute = jql_minute(oldest + (newest - oldest) * n / wanted, zone)
        # Kept only if after the cut before it: minutes repeat in a clock change and a short span.
        if not cuts or minute > cuts[-1]:
            cuts.append(minute)
    bounds = [None, *cuts, None]
    return [_slice(after, before) for after, before in zip(bounds, bounds[1:])]


def _slice(after: str | None, before: str | None) -> dict:
    return {"after": after, "before": before, "cursor": None, "done": False}


def _created(http: JiraHttp, endpoint: Endpoint, jql: str) -> datetime | None:
    # Named as the search itself: a query Jira refuses is refused here first.
    _, data = http.fetch(endpoint.method, endpoint.path, what=endpoint.what, expect=endpoint.items, hint=JQL_HINT,
                         body={"jql": jql, "fields": ["created"], "maxResults": 1})
    try:
        return datetime.fromisoformat(data[endpoint.items][0]["fields"]["created"])
    except (IndexError, KeyError, TypeError, ValueError):
        return None
