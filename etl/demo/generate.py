"""The built-in demo dataset: seeded, Jira-REST-shaped issues that tell a true-to-life story.

`generate()` yields issue objects exactly as `/rest/api/2/search?expand=changelog` returns them
(Jira v2 JSON), so the demo goes through the same import path and SQL models as real Jira data.
The data matches `etl/demo/followthrough.demo.toml`:

* Incidents (`incidents.py`): project OPS, type Incident, severity in `customfield_10100`
  ("Sev 1".."Sev 4"; about 1% empty and 1% the unmapped "Critical"), service in `components`,
  team in `customfield_10200`. Open -> Investigating -> (Mitigated) -> Resolved, resolving in
  hours (Sev 1) to days (Sev 4).
* Services (`catalogue.py`): each owned by one of five teams; a few hot ones take a large share
  of the incidents, a long tail is rarely hit (`service_odds.py`). A bigger organisation runs more
  of them: 120 services at the default 400 incidents, over a thousand at 20,000.
* Action items (`action_items.py`): label `postmortem-action` plus `operational`, `strategic` or
  neither; tied to their incident by an "Action item" link (incident outward "has action item" ->
  item, mirrored on the item) or as a Sub-task of it; about 1% tied to nothing. To Do -> In
  Progress -> (Blocked) -> In Review -> Done, or Won't Do. Strategic work stalls for months and
  often stays open; its description states the risk in an "h3. Risk" section six times in ten.
  A late item's due date is moved later, sometimes more than once. A few SEV-1 and SEV-2
  post-mortems file no item at all.
* Recurrence (`recurrence.py`): after an incident, a repeat on the same service is scheduled
  within the recurrence window (30 days, as in the demo config), far more likely while one of its
  strategic items is still open. Half the repeats carry an explicit, mirrored "Recurrence" link
  (earlier incident outward "recurs as" -> later one). Teams differ in how often they let
  strategic work die, and open strategic work draws fresh incidents to its service and team, so
  their services keep coming back.

Everything is derived from `random.Random(seed)`: same arguments, same issues, byte for byte.
Issues are streamed; only incidents waiting for their "Recurrence" link (at most one window's
worth) are held back. Constant sub-objects (statuses, users, types, ...) are shared between
issues: treat yielded issues as read-only, or copy before changing them.
"""
from __future__ import annotations

import math
import random
from datetime import datetime, timezone
from typing import Iterator

from etl.demo.catalogue import services_for
from etl.demo.clock import DAY, HOUR
from etl.demo.incidents import Incidents
from etl.demo.jira import Numbering
from etl.demo.recurrence import Repeats
from etl.demo.service_odds import ServiceOdds

DEMO_AS_OF = datetime(2026, 11, 1, 0, 0, tzinfo=timezone.utc)   # the fixed "now" of the demo
HISTORY_DAYS = 730
TREND = 0.6                            # the last day sees 1.6 times the incidents of the first


def generate(incidents: int = 400, seed: int = 7, as_of: datetime = DEMO_AS_OF) -> Iterator[dict]:
    """Yields issue dicts (incidents and their action items), each JSON-serialisable."""
    # Checked now, so that a bad argument fails where it is passed, not at the first issue.
    if incidents < 0:
        raise ValueError("incidents must not be negative")
    if as_of.tzinfo is None:
        raise ValueError("as_of must be timezone-aware")
    # Risk statements, repeated postponements and post-mortem gaps draw from a stream of their own,
    # so the rest of the run is drawn as it was before they existed.
    return _issues(incidents, random.Random(seed), random.Random(f"follow-up {seed}"), int(as_of.timestamp() * 1000))


def _issues(count: int, r: random.Random, side: random.Random, as_of: int) -> Iterator[dict]:
    services = services_for(count)
    odds = ServiceOdds(services)
    repeats = Repeats()
    incidents = Incidents(r, Numbering(), services, as_of, odds, repeats, side)
    for created in _creation_times(r.random, count, as_of - HISTORY_DAYS * DAY, as_of - HOUR):
        repeat, expired = repeats.due(created)
        yield from expired
        if repeat is None:                            # a fresh incident, on today's odds
            odds.catch_up(created)
            service = odds.pick(r.random)
        else:
            service = repeat.service
        yield from incidents.file(created, service, repeat)
    yield from repeats.release_all()


def _creation_times(rnd, count: int, start: int, end: int) -> Iterator[int]:
    """When each incident is filed, in order: one in each of `count` equal slices of probability,
    with a density rising linearly by TREND from start to end. Drawn lazily, one as each incident
    is written, so the draws keep their place in the stream."""
    half = 1 + TREND / 2
    for i in range(count):
        u = (i + rnd()) / count
        x = (math.sqrt(1 + 2 * TREND * u * half) - 1) / TREND
        yield start + int(x * (end - start))
