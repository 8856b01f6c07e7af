"""One paginator for every list Jira returns. Endpoints are data (see `endpoints`); the two ways
Jira pages, a continuation token or an offset with a total, are the only code.

Pages are yielded one at a time with the cursor that leads past them, so a caller can commit a
page and its cursor together and resume from that cursor after a crash.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Iterator

from etl.jira.http import JiraHttp, JiraProblem


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
        args = {**endpoint.defaults, **request, "maxResults": endpoint.page_size}
        if endpoint.paging == "token":
            if cursor.get("token"):
                args["nextPageToken"] = cursor["token"]
        else:
            start = args["startAt"] = cursor.get("startAt", 0)
            limit = endpoint.offset_limit
            if limit and start > 0 and start + endpoint.page_size > limit:
                raise OffsetLimit()
        try:
            text, data = http.fetch(endpoint.method, path, what=what, expect=endpoint.items, hint=hint,
                                    **({"params": args} if endpoint.method == "GET" else {"body": args}))
        except JiraProblem as problem:
            # Our idea of the limit can be above the site's; its refusal says the same thing.
            if endpoint.paging == "offset" and endpoint.offset_limit and problem.status == 400 and start > 0:
                raise OffsetLimit() from None
            raise
        items = data[endpoint.items]
        cursor = _next(endpoint, cursor, data, items)
        yield Page(text, data, items, cursor)
        if cursor is None:
            return


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
