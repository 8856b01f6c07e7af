"""A run's pages, fetched by several threads and handed to the one thread that stores them.

Each slice's listing (see `slices`) runs in a thread of its own, at most [jira].concurrency of
them at once; a thread asks the workers for the changelogs its pages call for and hands the pages
on without waiting for them. On Cloud it asks for a few pages' changelogs together: one page's
long changelogs come to a little more than a bulk page holds, so asked page by page they took two
requests a page, and together about as many as they fill. The storing thread takes pages in the order they were handed over,
so the pages of each slice come in their order, and a checkpoint holds, for every slice, the
cursor after exactly the pages stored. Only that thread touches DuckDB, and while it stores, the
other threads keep fetching. What waits in between is bounded (a few pages per thread), so memory
does not grow with the size of the site.
"""
from __future__ import annotations

import queue
import threading
from collections import deque
from dataclasses import dataclass
from typing import Callable, Iterator
from zoneinfo import ZoneInfo

from etl.jira.changelogs import Changelogs, incomplete
from etl.jira.http import JiraHttp
from etl.jira.listing import issue_pages
from etl.jira.paging import Endpoint
from etl.jira.workers import Workers

_DONE = object()


@dataclass(frozen=True)
class Fetched:
    slice: int                # index into the run's slices
    text: str                 # the search page verbatim
    cursor: dict | None       # the slice's cursor after this page; None after its last
    fresh: int                # issues of the page not yet processed in this run
    needy: list[dict]         # those whose changelog was fetched apart
    histories: dict[str, list[dict]]


def fetched(http: JiraHttp, endpoint: Endpoint, slices: list[dict], request: dict,
            jql_for: Callable[[dict, str | None], str], zone: ZoneInfo, changelogs: Changelogs,
            workers: Workers) -> Iterator[Fetched]:
    """The pages of the slices not done yet, each slice's in order, with their changelogs.

    `slices` is read once, here; `jql_for(slice, window)` is the search of a slice's window."""
    concurrency = http.limiter.concurrency
    # Room for what arrives while the storing thread commits a batch, so fetching goes on meanwhile.
    handoff: queue.Queue = queue.Queue(maxsize=4 * concurrency)
    stop = threading.Event()
    todo = deque((n, dict(s)) for n, s in enumerate(slices) if not s["done"])

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def hand_on(held: list[tuple]) -> bool:
        """Asks for the changelogs of the held pages together, then hands the pages on in order."""
        needy = [issue for *_, issues in held for issue in issues]
        asked = changelogs.submit(needy, workers) if needy else []
        return all(put((*page, asked)) and not stop.is_set() for page in held)

    def list_slices() -> None:
        try:
            while not stop.is_set():
                try:
                    n, piece = todo.popleft()
                except IndexError:
                    break
                held: list[tuple] = []
                try:
                    for page, cursor, fresh in issue_pages(http, endpoint, request, lambda w: jql_for(piece, w),
                                                           piece["cursor"], zone, workers):
                        held.append((n, page.text, cursor, len(fresh), [i for i in fresh if incomplete(i)]))
                        if len(held) >= changelogs.pages_per_request or cursor is None:
                            if not hand_on(held):
                                return
                            held = []
                finally:
                    # Also when the listing failed: the pages in hand are good, and stored first.
                    if held and not stop.is_set():
                        hand_on(held)
        except BaseException as exc:  # handed over, raised where the storing thread sees it
            put(exc)
            return
        put(_DONE)

    threads = min(concurrency, len(todo))
    # Daemons: a run that stops must not wait for a request still in flight.
    for t in range(threads):
        threading.Thread(target=list_slices, name=f"jira-slices-{t}", daemon=True).start()
    finished = 0
    try:
        while finished < threads:
            item = handoff.get()
            if item is _DONE:
                finished += 1
                continue
            if isinstance(item, BaseException):
                raise item
            n, text, cursor, fresh, needy, asked = item
            mine = {issue["id"] for issue in needy}
            histories: dict[str, list[dict]] = {}
            for part in asked:
                histories.update((key, found) for key, found in part.result().items() if key in mine)
            yield Fetched(n, text, cursor, fresh, needy, histories)
    finally:
        stop.set()
        for item in _drain(handoff):
            if isinstance(item, tuple):
                for part in item[-1]:
                    part.cancel()


def _drain(handoff: queue.Queue):
    while True:
        try:
            yield handoff.get_nowait()
        except queue.Empty:
            return
