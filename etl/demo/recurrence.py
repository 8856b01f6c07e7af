"""Repeat incidents: after an incident, another on the same service within the recurrence
window, far likelier while one of its strategic items is still open.

Half the repeats are linked ("Recurrence", earlier incident outward "recurs as" later one). The
earlier incident shows that link too, so it is held back until its repeat is filed or can no
longer come: at most one window's worth of incidents wait.
"""
from __future__ import annotations

import heapq
from typing import NamedTuple

from etl.demo.clock import DAY, MINUTE, jira_time
from etl.demo.jira import Numbering, User
from etl.demo.links import RECURRENCE, link

RECURRENCE_WINDOW_DAYS = 30            # [recurrence].window_days of the demo config
# Chance that an incident comes back on its service within the window, by whether one of its
# strategic items is still open then, and the share of those repeats that someone links.
REPEAT_IF_OPEN = 0.4
REPEAT_IF_CLOSED = 0.01
REPEAT_LINKED = 0.5
_WINDOW = RECURRENCE_WINDOW_DAYS * DAY
_LINKED_AFTER = 10 * MINUTE            # someone links the repeat to the earlier one soon after filing it


class Repeat(NamedTuple):
    service: str
    earlier: dict                      # reference to the earlier incident
    earlier_created: int
    linked: bool


class Repeats:
    """The repeats scheduled so far, and the incidents held back for their link."""

    def __init__(self):
        self._scheduled: list = []     # heap of (when, order scheduled, Repeat)
        self._order = 0
        self._held: dict[str, tuple] = {}   # incident id -> (issue, its updated ms, by whom)

    def schedule(self, rnd, incident: dict, created: int, service: str, strategic_spans: list,
                 as_of: int) -> bool:
        """Perhaps schedule a repeat of an incident; True when the incident must be held back for
        its "recurs as" link. `strategic_spans` are its strategic items' (created, closed)."""
        when = created + int((1 + (RECURRENCE_WINDOW_DAYS - 4) * rnd()) * DAY)
        still_open = any(opened <= when < closed for opened, closed in strategic_spans)
        if rnd() < (REPEAT_IF_OPEN if still_open else REPEAT_IF_CLOSED) and when < as_of:
            linked = rnd() < REPEAT_LINKED
            self._order += 1
            heapq.heappush(self._scheduled, (when, self._order, Repeat(service, incident, created, linked)))
            return linked
        return False

    def hold(self, issue: dict, updated: int, updated_by: User) -> None:
        self._held[issue["id"]] = (issue, updated, updated_by)

    def due(self, now: int) -> tuple[Repeat | None, list[dict]]:
        """The repeat to file now, if one is due, and the held incidents whose repeat came too late
        to count, released without their link."""
        released = []
        while self._scheduled and self._scheduled[0][0] <= now:
            repeat = heapq.heappop(self._scheduled)[2]
            if now - repeat.earlier_created <= _WINDOW:
                return repeat, released
            if repeat.linked:
                released.append(self._release(repeat))
        return None, released

    def link_back(self, numbering: Numbering, repeat: Repeat, incident: dict,
                  created: int) -> tuple[dict, dict, int]:
        """Link a linked repeat to its earlier incident: (the link's entry on the repeat, the earlier
        incident, released with its entry, the time it was linked)."""
        on_earlier, on_repeat = link(numbering, RECURRENCE, repeat.earlier, incident)
        linked_at = created + _LINKED_AFTER
        earlier, updated, updated_by = self._held.pop(repeat.earlier["id"])
        earlier["fields"]["issuelinks"].append(on_earlier)
        if linked_at > updated:
            earlier["fields"]["updated"] = jira_time(linked_at, updated_by)
        return on_repeat, earlier, linked_at

    def release_all(self) -> list[dict]:
        """The incidents still held when the run ends, in the order their repeats were due."""
        released = []
        while self._scheduled:
            repeat = heapq.heappop(self._scheduled)[2]
            if repeat.linked:
                released.append(self._release(repeat))
        return released

    def _release(self, repeat: Repeat) -> dict:
        return self._held.pop(repeat.earlier["id"])[0]
