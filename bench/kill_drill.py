"""Kill `python -m etl sync` with SIGKILL at random moments, then let one run finish, and check the
raw store against an uninterrupted sync of the same site.

    .venv/bin/python bench/kill_drill.py [--kills 20] [--incidents 600] [--seed 1] [--latency-ms 20]

Each kill comes a random moment after the victim's first search request, drawn uniformly over
60 % of the time an uninterrupted run spends paging. The sync commits ten pages at a time, so a
shorter window would kill every run before its first commit; this one lands kills before, during
and after commits, and, once the pages are in, during later incremental runs or publishing.
Exit status 0 when the stores match.
"""
from __future__ import annotations

import argparse
import os
import random
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
    args = parser.parse_args()
    rng = random.Random(args.seed)

    with FakeJira(demo_issues(args.incidents), latency=args.latency_ms / 1000) as site, \
            tempfile.TemporaryDirectory() as folder:
        clean = etl_process(cli_environment(site, Path(folder) / "clean"), "sync")
        if clean.wait() != 0:
            print(clean.stderr.read(), file=sys.stderr)
            return 1
        searches = site.served(SEARCH)
        paging = searches[-1].at - searches[0].at
        print(f"uninterrupted sync: {len(searches)} search pages over {paging:.1f} s, "
              f"{len(site.requests)} requests to Jira in all")

        env = cli_environment(site, Path(folder) / "drilled")
        landed = Counter()
        for n in range(args.kills):
            asked = len(site.served(SEARCH))
            victim = etl_process(env, "sync")
            while len(site.served(SEARCH)) == asked and victim.poll() is None:
                time.sleep(0.005)
            moment = rng.uniform(0, paging * 0.6)
            time.sleep(moment)
            finished = victim.poll() is not None
            if not finished:
                os.kill(victim.pid, signal.SIGKILL)
            victim.wait()
            where, detail = ("finished before the kill", "") if finished else _where(Path(folder) / "drilled")
            landed[where] += 1
            print(f"kill {n + 1:>2}, {moment:4.2f} s after its first search request: {where}{detail}")

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


def _where(folder: Path) -> tuple[str, str]:
    with RawStore(folder / "data" / "warehouse.duckdb") as store:
        run = store.get_state(RUN)
    if run is None:
        return "killed after its pages (publishing)", ""
    return "killed mid-run", f" ({run['phase']}, {run['counts']['pages']} pages stored)"


if __name__ == "__main__":
    sys.exit(main())
