"""What `python -m etl sync` and `python -m etl fields` run: progress on stderr, results on stdout."""
from __future__ import annotations

import sys
import time

from tqdm import tqdm

from datapaths import warehouse_path
from etl.cli import publish_site
from etl.config import Config
from etl.jira.credentials import load_credentials
from etl.jira.fields import render
from etl.jira.http import RetryPolicy
from etl.jira.site import connect
from etl.jira.sync import SyncResult, sync
from etl.lock import etl_lock
from etl.publish import PublishResult
from etl.rawstore import RawStore


class ProgressBar:
    """Issues against the matching total (an estimate on Cloud); pages and changelogs alongside.

    Drawn from the first page on, so a run that fails while connecting prints only its error.
    """

    def __init__(self):
        self.pages = 0
        self.changelogs = 0
        self.bar: tqdm | None = None

    def start(self, total: int | None, done: int) -> None:
        self.bar = tqdm(desc="Jira sync", unit=" issues", total=total, initial=done, file=sys.stderr,
                        dynamic_ncols=True, mininterval=0.5)

    def advance(self, issues: int, changelogs: int) -> None:
        self.pages += 1
        self.changelogs += changelogs
        self.bar.set_postfix(pages=self.pages, changelogs=self.changelogs, refresh=False)
        self.bar.update(issues)

    def close(self) -> None:
        # Not `if self.bar`: a bar without a total (Jira gave no count) refuses bool().
        if self.bar is not None:
            self.bar.close()


def sync_command(cfg: Config, *, full: bool, reconcile: bool) -> int:
    began = time.monotonic()
    path = warehouse_path()
    with etl_lock(path), RawStore(path) as store:
        bar = ProgressBar()
        try:
            result = sync(cfg, store, full=full, reconcile=reconcile, progress=bar)
        finally:
            bar.close()
        # Only a completed run is published; a failed one raised above and left the last file alone.
        published = publish_site(cfg, store)
    print(summary(result, published, time.monotonic() - began))
    return 0


def fields_command(cfg: Config) -> int:
    site = connect(cfg.jira.url, load_credentials(), RetryPolicy.giving_up_after(cfg.jira.give_up_after_seconds))
    fields = site.http.library(site.client.fields, what="the field list", where="GET /rest/api/2/field")
    print(render(fields))
    return 0


def summary(result: SyncResult, published: PublishResult, seconds: float) -> str:
    scope = f"changes since {result.since} {result.zone}" if result.since else "all matching issues"
    flavour = "Jira Cloud" if result.flavour == "cloud" else "Jira Data Center"
    resumed = ", resuming an interrupted run" if result.resumed else ""
    return (f"Synced {scope} from {result.site} ({flavour}{resumed}) in {seconds:.1f} s: "
            f"{result.new} new, {result.updated} updated, {result.retired} retired, "
            f"{published.quarantined} quarantined ({result.issues} issues read in {result.pages} pages, "
            f"{result.changelogs} long changelogs fetched).\n"
            f"Published {published.path}: {published.issues} issues, {published.incidents} incidents, "
            f"{published.action_items} action items.")
