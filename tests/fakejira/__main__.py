"""Serve a fake Jira site from its own process, so a benchmark's client does not share its GIL.

    python -m tests.fakejira --issues 100000 --flavour cloud [--latency-ms 50]

Prints one JSON line (url, credentials, JQL) once it is listening, then serves until killed.
"""
from __future__ import annotations

import argparse
import json
import signal
import sys

from .dataset import demo_issues
from .server import FakeJira


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fakejira")
    parser.add_argument("--issues", type=int, required=True)
    parser.add_argument("--flavour", choices=("cloud", "datacenter"), default="cloud")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-ms", type=float, default=0.0, help="added to every answer")
    args = parser.parse_args()
    # The demo generator yields about five issues per incident.
    issues = demo_issues(args.issues // 4 + 1, seed=args.seed)[:args.issues]
    site = FakeJira(issues, flavour=args.flavour, latency=args.latency_ms / 1000)
    site.warm()
    site.start()
    print(json.dumps({"url": site.url, "email": site.email, "api_token": site.api_token, "pat": site.pat,
                      "incident_jql": site.incident_jql, "action_item_jql": site.action_item_jql,
                      "issues": len(issues)}), flush=True)
    signal.sigwait({signal.SIGTERM, signal.SIGINT})
    site.stop()


if __name__ == "__main__":
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM, signal.SIGINT})
    sys.exit(main())
