"""How fast a sync is against a distant Jira, next to plainly downloading the same pages one request
at a time, and whether its memory stays flat.

    .venv/bin/python bench/sync_bench.py --sizes 10000,30000,100000 [--latency-ms 200] [--concurrency 4]

For each size a fake Jira Cloud site (demo data, every sixth issue with a changelog longer than
Cloud inlines) is served from its own process, adding `--latency-ms` to every answer (200 ms is
a round trip to a Cloud site from another continent). Two measured children then read it: one
downloads the search pages and the bulk changelogs those pages call for, one request at a time
through the same session and retry layer, and throws them away; the other runs the real sync into
a fresh raw store at `--concurrency` requests in flight ([jira].concurrency's default unless
given). The table puts issues/second side by side (goal: the sync at least 4 times the download's
rate) with each child's peak memory (goal: flat as the size grows). The sync child also reports
what DuckDB holds at the end and the raw store's size: DuckDB caches the blocks it writes, up to
the sync's cache limit (`etl.rawstore.SYNC_MEMORY_CAP`, or FOLLOWTHROUGH_MEMORY_LIMIT when set).

`--latency-ms 0` is the hardest case for storing: the fake answers faster than any real site and
nothing hides the cost of storing. `python -m bench` calls `bench_size`.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


LATENCY_MS = 200.0


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="10000,30000,100000", help="issue counts, comma separated")
    parser.add_argument("--latency-ms", type=float, default=LATENCY_MS, help="round trip the fake adds to each answer")
    parser.add_argument("--concurrency", type=int, default=None, help="the sync's [jira].concurrency")
    parser.add_argument("--child", choices=("download", "sync"), help=argparse.SUPPRESS)
    parser.add_argument("--site", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(_measure(args.child, json.loads(args.site), args.concurrency)))
        return
    print(f"{'issues':>8} {'latency':>8} {'in flight':>9} {'download/s':>11} {'sync/s':>9} {'ratio':>6} "
          f"{'download MB':>12} {'sync MB':>8} {'duckdb MB':>10} {'store MB':>9}")
    for size in args.sizes.split(","):
        _, down, sync = bench_size(int(size), latency_ms=args.latency_ms, concurrency=args.concurrency)
        print(f"{int(size):>8} {args.latency_ms:>6.0f}ms {sync['concurrency']:>9} {down['rate']:>11.0f} "
              f"{sync['rate']:>9.0f} {sync['rate'] / down['rate']:>6.2f} {down['peak_mb']:>12.0f} "
              f"{sync['peak_mb']:>8.0f} {sync['duckdb_mb']:>10.0f} {sync['store_mb']:>9.0f}", flush=True)


def bench_size(size: int, latency_ms: float = LATENCY_MS, concurrency: int | None = None) -> tuple[int, dict, dict]:
    """(size, download, sync); each child reports issues, seconds, rate and peak_mb, the sync its
    concurrency too."""
    server = subprocess.Popen([sys.executable, "-m", "tests.fakejira", "--issues", str(size),
                               "--latency-ms", str(latency_ms)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        site = server.stdout.readline()
        if not site:
            raise SystemExit("the fake Jira site did not start (see its error above)")
        # The fake warms itself before it listens. Without a round trip, a warm-up download too,
        # so neither measurement pays for the first answers; with one that would cost as long as
        # the measurement, for a difference the round trips dwarf.
        if not latency_ms:
            _child("download", site)
        down = _child("download", site)
        sync = _child("sync", site, concurrency)
        assert sync["issues"] == down["issues"] == json.loads(site)["issues"], (sync, down)
        return size, down, sync
    finally:
        server.terminate()
        server.wait()


def _child(kind: str, site: str, concurrency: int | None = None) -> dict:
    more = [] if concurrency is None else ["--concurrency", str(concurrency)]
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--site", site, *more], cwd=ROOT,
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def _measure(kind: str, site: dict, concurrency: int | None) -> dict:
    from etl.jira.credentials import Credentials

    credentials = Credentials(email=site["email"], api_token=site["api_token"])
    began = time.monotonic()
    extra = {}
    if kind == "download":
        issues = _download(site, credentials)
    else:
        issues, extra = _sync(site, credentials, concurrency)
    seconds = time.monotonic() - began
    return {"issues": issues, "seconds": seconds, "rate": issues / seconds,
            "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, **extra}


def _download(site: dict, credentials) -> int:
    """The pages and changelogs a sync asks for, through the same client, parsed and dropped."""
    from etl.jira.changelogs import Changelogs, incomplete
    from etl.jira.endpoints import endpoints_for
    from etl.jira.http import RetryPolicy
    from etl.jira.paging import pages
    from etl.jira.query import base_jql, issue_fields, search_jql
    from etl.jira.site import connect

    cfg = _config(site)
    jira = connect(site["url"], credentials, RetryPolicy())
    endpoints = endpoints_for(jira.flavour)
    changelogs = Changelogs(jira.http, endpoints)
    request = {"jql": search_jql(base_jql(cfg)), "fields": issue_fields(cfg)}
    issues = 0
    for page in pages(jira.http, endpoints["issues"], request):
        issues += len(page.items)
        needy = [issue for issue in page.items if incomplete(issue)]
        if needy:
            changelogs.fetch(needy)
    return issues


def _sync(site: dict, credentials, concurrency: int | None) -> tuple[int, dict]:
    from etl.jira.sync import sync
    from etl.rawstore import RawStore

    cfg = _config(site, concurrency)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "warehouse.duckdb"
        with RawStore(path) as store:
            issues = sync(cfg, store, credentials=credentials).issues
            cached = store.con.execute("SELECT sum(memory_usage_bytes) FROM duckdb_memory()").fetchall()[0][0]
        return issues, {"duckdb_mb": cached / 2**20, "store_mb": path.stat().st_size / 2**20,
                        "concurrency": cfg.jira.concurrency}


def _config(site: dict, concurrency: int | None = None):
    """The demo's field mapping, pointed at the fake site."""
    from etl.config import DEMO_CONFIG, load_config

    jira = {"url": site["url"], "incident_jql": site["incident_jql"], "action_item_jql": site["action_item_jql"]}
    if concurrency is not None:
        jira["concurrency"] = concurrency
    return load_config(DEMO_CONFIG).replace(jira=jira)


if __name__ == "__main__":
    main()
