"""Fetch the next page while the current one is being stored.

Storing is DuckDB work, which releases the GIL; fetching is mostly waiting on Jira. Overlapping
the two makes a sync cost about the slower of them instead of their sum. Pages are still handed
over strictly in order, one ahead at most, so checkpoints are unaffected: a page is stored only
after every page before it, and a run killed before storing it fetches it again next time.
"""
from __future__ import annotations

import queue
import threading
from typing import Iterator, TypeVar

T = TypeVar("T")
_DONE = object()


def ahead(items: Iterator[T]) -> Iterator[T]:
    handoff: queue.Queue = queue.Queue(maxsize=1)
    stop = threading.Event()

    def put(item) -> bool:
        while not stop.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return True
            except queue.Full:
                pass
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(item):
                    return
        except BaseException as exc:  # handed over, re-raised where the caller can see it
            put(exc)
            return
        put(_DONE)

    # A daemon: if the caller stops early, a request still in flight must not hold the process.
    threading.Thread(target=produce, name="jira-prefetch", daemon=True).start()
    try:
        while (item := handoff.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        stop.set()
