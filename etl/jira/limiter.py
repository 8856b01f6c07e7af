"""One limiter for every request a sync makes, whichever thread makes it.

It bounds the requests in flight ([jira].concurrency), and when Jira says to wait (a 429 or 503
with Retry-After, or a 429 we back off from) nobody asks again until then: Jira Cloud's limits
are per site, so the worker that was told is not the only one over it. A slot is held only while
the request is on the wire; parsing the answer does not keep Jira from being asked.
"""
from __future__ import annotations

import threading
import time
from contextlib import contextmanager


class Limiter:
    def __init__(self, concurrency: int = 1):
        self.concurrency = concurrency
        self._slots = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._until = 0.0   # monotonic time before which no request starts

    def pause(self, seconds: float) -> None:
        with self._lock:
            self._until = max(self._until, time.monotonic() + seconds)

    @contextmanager
    def slot(self):
        while True:
            self._wait_out_pause()
            self._slots.acquire()
            # A pause may have begun while this thread waited for a slot.
            if time.monotonic() >= self._until:
                break
            self._slots.release()
        try:
            yield
        finally:
            self._slots.release()

    def _wait_out_pause(self) -> None:
        while (left := self._until - time.monotonic()) > 0:
            time.sleep(left)
