"""Kill `python -m etl sync` with SIGKILL at random moments, then let one run finish, and check the
raw store against a sync that fetched one request at a time, uninterrupted.

    .venv/bin/python bench/kill_drill.py [--kills 20] [--incidents 600] [--seed 1] [--latency-ms 20]
                                         [--concurrency 4]

The runs killed fetch at `--concurrency` ([jira].concurrency's default unless given): the listing
cut into slices of `created`, each with its own cursor in the checkpoint, pages and changelogs
arriving out of order. An uninterrupted run at that concurrency comes first, to check it stores
what the one-request-at-a-time sync does and to count its search requests. Each victim is then
killed once the site has answered a random number of its search requests, drawn uniformly up to
the number of pages not stored yet, and a random moment up to one round trip later: counted in requests, not
seconds, the kills spread over the whole run however fast the machine is, and land before, during
and after its commits (ten pages each). Once the pages are in, each later run is incremental and is
killed up to a second after its search, while storing or publishing. Exit status 0 when the stores
match.
"""
from __future__ import annotations

import argparse
import os
import random
import re
import signal
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.jira.sync import RUN  # noqa: E402
from etl.rawstore import RawStore  # noqa: E402
from tests.fakejira import FakeJira, demo_issues  # noqa: E402
from tests.fakejira.cli import cli_environment, etl_process  # noqa: E402
from tests.fakejira.compare import snapshot  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--incidents", type=int, default=600, help="demo incidents; about five issues each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--latency-ms", type=float, default=20.0, help="round trip the fake adds to each answer")
    parser.add_argument("--concurrency", type=int, default=None, help="[jira].concurrency of the runs killed")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with FakeJira(demo_issues(args.incidents), latency=args.latency_ms / 1000) as site, \
            tempfile.TemporaryDirectory() as folder:
        if not _sync(cli_environment(site, Path(folder) / "clean", concurrency=1)):
            return 1
        print(f"one request at a time: {len(site.served(SEARCH))} search pages, {len(site.requests)} requests to Jira")
        before, site.peak_in_flight = len(site.requests), 0
        if not _sync(cli_environment(site, Path(folder) / "concurrent", concurrency=args.concurrency)):
            return 1
        searches = len([r for r in site.requests[before:] if re.search(SEARCH, r.path)])
        with RawStore(Path(folder) / "clean" / "data" / "warehouse.duckdb") as a, \
                RawStore(Path(folder) / "concurrent" / "data" / "warehouse.duckdb") as b:
            alike = snapshot(a) == snapshot(b)
        print(f"uninterrupted concurrent sync: {searches} search requests, at most {site.peak_in_flight} requests "
              f"in flight; {'identical to' if alike else 'DIFFERENT from'} one request at a time")
        if not alike:
            return 1

        env = cli_environment(site, Path(folder) / "drilled", concurrency=args.concurrency)
        landed = Counter()
        for n in range(args.kills):
            asked = len(site.served(SEARCH))
            pending = _pending(Path(folder) / "drilled")
            if pending:
                # A resumed run asks for about as many pages as are not stored yet.
                after = rng.randint(1, max(1, searches - pending["counts"]["pages"]))
                moment = rng.uniform(0, max(site.latency, 0.01))
            else:
                # An incremental run: one search, then storing and publishing.
                after, moment = 1, rng.uniform(0, 1.0)
            victim = etl_process(env, "sync")
            while len(site.served(SEARCH)) - asked < after and victim.poll() is None:
                time.sleep(0.002)
            time.sleep(moment)
            finished = victim.poll() is not None
            if not finished:
                os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            where, detail = ("finished before the kill", "") if finished else _where(Path(folder) / "drilled")
            landed[where] += 1
            print(f"kill {n + 1:>2}, after {after} search requests and {moment * 1000:.0f} ms: {where}{detail}")

        last = etl_process(env, "sync")
        out, err = last.communicate()
        if last.returncode != 0:
            print(err, file=sys.stderr)
            return 1
        print(out.strip())
        with RawStore(Path(folder) / "clean" / "data" / "warehouse.duckdb") as a, \
                RawStore(Path(folder) / "drilled" / "data" / "warehouse.duckdb") as b:
            same = snapshot(a) == snapshot(b)
            versions = b.con.execute("SELECT count(*), count(DISTINCT issue_id) FROM raw_issues").fetchall()[0]
    print(", ".join(f"{count} {where}" for where, count in landed.most_common()))
    print(f"stored {versions[0]} versions of {versions[1]} issues; "
          f"{'identical to' if same else 'DIFFERENT from'} the uninterrupted sync")
    return 0 if same else 1


SEARCH = "/rest/api/3/search/jql$"


def _sync(env: dict[str, str]) -> bool:
    done = etl_process(env, "sync")
    if done.wait() != 0:
        print(done.stderr.read(), file=sys.stderr)
        return False
    return True


def _pending(folder: Path) -> dict | None:
    """The interrupted run in the store, if any; before the first run, one with nothing stored."""
    if not (folder / "data" / "warehouse.duckdb").exists():
        return {"counts": {"pages": 0}}
    with RawStore(folder / "data" / "warehouse.duckdb") as store:
        return store.get_state(RUN)


def _where(folder: Path) -> tuple[str, str]:
    run = _pending(folder)
    if run is None:
        return "killed after its pages (publishing)", ""
    pieces = run.get("slices") or []
    listed = sum(piece["done"] for piece in pieces)
    return "killed mid-run", (f" ({run['phase']}, {run['counts']['pages']} pages stored, "
                              f"{listed} of {len(pieces)} slices listed)")


if __name__ == "__main__":
    sys.exit(main())
