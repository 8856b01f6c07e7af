"""One paginator for every list Jira returns. Endpoints are data (see `endpoints`); the two ways
Jira pages, a continuation token or an offset with a total, are the only code.

Pages are yielded one at a time with the cursor that leads past them, so a caller can commit a
page and its cursor together and resume from that cursor after a crash.
"""
from __future__ import annotations

from collections import deque
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, Iterator

from etl.jira.http import JiraHttp, JiraProblem
from etl.jira.workers import Workers


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str                 # may hold {key}
    items: str                # the array of results in a response
    paging: str               # "token" (nextPageToken) or "offset" (startAt)
    page_size: int
    what: str                 # how messages name it
    defaults: dict[str, Any] = field(default_factory=dict)   # sent with every request
    offset_limit: int | None = None   # Data Center refuses offsets deeper than this


@dataclass(frozen=True)
class Page:
    text: str                 # the body verbatim
    data: dict
    items: list
    next: dict | None         # cursor for the following page; None after the last


class OffsetLimit(Exception):
    """There is more, but deeper than the server lets an offset go: start a new window."""


def pages(http: JiraHttp, endpoint: Endpoint, request: dict, cursor: dict | None = None,
          *, hint: str = "", **path_args) -> Iterator[Page]:
    cursor = cursor or {}
    path = endpoint.path.format(**path_args)
    what = endpoint.what.format(**path_args)
    while True:
        if endpoint.paging == "token":
            args = {**endpoint.defaults, **request, "maxResults": endpoint.page_size}
            if cursor.get("token"):
                args["nextPageToken"] = cursor["token"]
            text, data = _fetch(http, endpoint, path, what, args, hint)
        else:
            text, data = _at_offset(http, endpoint, path, what, request, cursor.get("startAt", 0), hint)
        items = data[endpoint.items]
        cursor = _next(endpoint, cursor, data, items)
        yield Page(text, data, items, cursor)
        if cursor is None:
            return


def pages_ahead(http: JiraHttp, endpoint: Endpoint, request: dict, cursor: dict | None, workers: Workers,
                depth: int, *, hint: str = "") -> Iterator[Page]:
    """`pages` of an offset endpoint, with up to `depth` pages asked for at once.

    Once a page says how many match, the offsets after it are known and fetched by `workers`.
    Pages are still yielded in order with the cursor `pages` would give, and each page is the
    answer for the offset `pages` would have asked: when a page comes back shorter than planned
    (a site capping the page size, an issue deleted meanwhile) the pages planned after it are
    dropped and planned again from where it ended.
    """
    def fetch(start: int) -> tuple[str, dict]:
        return _at_offset(http, endpoint, endpoint.path, endpoint.what, request, start, hint)

    step, total = endpoint.page_size, None
    planned: deque[tuple[int, Future]] = deque()
    start = (cursor or {}).get("startAt", 0)
    try:
        while True:
            if not planned:
                planned.append((start, workers.submit(fetch, start)))
            following = planned[-1][0] + step
            while (total is not None and len(planned) < depth and following < total
                   and not _too_deep(endpoint, following)):
                planned.append((following, workers.submit(fetch, following)))
                following += step
            offset, answer = planned.popleft()
            text, data = answer.result()
            items = data[endpoint.items]
            cursor = _next(endpoint, {"startAt": offset}, data, items)
            yield Page(text, data, items, cursor)
            if cursor is None:
                return
            start, total = cursor["startAt"], data.get("total")
            step = min(endpoint.page_size, data.get("maxResults") or endpoint.page_size)
            if planned and planned[0][0] != start:
                _drop(planned)
    finally:
        _drop(planned)


def _drop(planned: deque) -> None:
    while planned:
        planned.popleft()[1].cancel()


def _too_deep(endpoint: Endpoint, start: int) -> bool:
    limit = endpoint.offset_limit
    return bool(limit and start > 0 and start + endpoint.page_size > limit)


def _at_offset(http: JiraHttp, endpoint: Endpoint, path: str, what: str, request: dict, start: int,
               hint: str) -> tuple[str, dict]:
    if _too_deep(endpoint, start):
        raise OffsetLimit()
    args = {**endpoint.defaults, **request, "maxResults": endpoint.page_size, "startAt": start}
    try:
        return _fetch(http, endpoint, path, what, args, hint)
    except JiraProblem as problem:
        # Our idea of the limit can be above the site's; its refusal says the same thing.
        if endpoint.offset_limit and problem.status == 400 and start > 0:
            raise OffsetLimit() from None
        raise


def _fetch(http: JiraHttp, endpoint: Endpoint, path: str, what: str, args: dict, hint: str) -> tuple[str, dict]:
    return http.fetch(endpoint.method, path, what=what, expect=endpoint.items, hint=hint,
                      **({"params": args} if endpoint.method == "GET" else {"body": args}))


def _next(endpoint: Endpoint, cursor: dict, data: dict, items: list) -> dict | None:
    if endpoint.paging == "token":
        token = data.get("nextPageToken")
        return {"token": token} if token and data.get("isLast") is not True else None
    start = cursor.get("startAt", 0) + len(items)
    if not items or data.get("isLast") is True:
        return None
    if "isLast" not in data and start >= data.get("total", 0):
        return None
    return {"startAt": start}
