"""Feeds the demo generator's issues through the same raw store path as real Jira JSON."""
from __future__ import annotations

import json

from etl.demo.generate import DEMO_AS_OF, generate
from etl.rawstore import RawStore

BATCH = 10_000


def load_demo(store: RawStore, load_id: int, incidents: int, seed: int) -> int:
    # The demo's data is "fetched" at its fixed as-of moment, so its figures never drift with the clock.
    fetched_at = DEMO_AS_OF.replace(tzinfo=None)
    stored = 0
    batch: list[str] = []
    for issue in generate(incidents=incidents, seed=seed):
        batch.append(json.dumps(issue, separators=(",", ":")))
        if len(batch) == BATCH:
            stored += store.add_issue_texts(load_id, batch, fetched_at)
            batch = []
    return stored + store.add_issue_texts(load_id, batch, fetched_at)
