"""A fixed set of daemon threads running calls for a sync, each call's result in a Future.

Not concurrent.futures' pool: its threads are joined at exit, so a run that failed or was
interrupted would wait for a request still in flight, up to its whole retry budget. A task never
waits for another task, so a bounded set cannot deadlock.
"""
from __future__ import annotations

import queue
import threading
from concurrent.futures import Future
from typing import Callable


class Workers:
    def __init__(self, count: int, name: str):
        self._count = count
        self._tasks: queue.SimpleQueue = queue.SimpleQueue()
        self._closed = threading.Event()
        for n in range(count):
            threading.Thread(target=self._work, name=f"{name}-{n}", daemon=True).start()

    def submit(self, fn: Callable, *args) -> Future:
        future: Future = Future()
        self._tasks.put((future, fn, args))
        return future

    def close(self) -> None:
        """Runs nothing more: the calls not started yet are cancelled, and each thread ends once
        its call in hand returns."""
        self._closed.set()
        for _ in range(self._count):
            self._tasks.put(None)

    def __enter__(self) -> "Workers":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _work(self) -> None:
        while (task := self._tasks.get()) is not None:
            future, fn, args = task
            if self._closed.is_set():
                future.cancel()
                continue
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn(*args))
            except BaseException as exc:
                future.set_exception(exc)
