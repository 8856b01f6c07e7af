"""Complete changelogs. A search inlines at most 40 histories per issue on Cloud (the newest); an
issue whose changelog.total says there are more has all of them fetched here: in bulk on Cloud,
page by page per issue where bulk fetching is not offered (Data Center).

Histories already inline or already stored are not stored again, so re-syncing a busy issue does
not grow the raw store by its whole history every time it changes.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from concurrent.futures import Future
from datetime import datetime

from etl.jira.http import JiraHttp, JiraProblem
from etl.jira.paging import Endpoint, pages
from etl.jira.workers import Workers
from etl.rawstore import RawStore

log = logging.getLogger("etl.jira")

BULK_PAGES = 3


def incomplete(issue: dict) -> bool:
    changelog = issue.get("changelog")
    if not isinstance(changelog, dict):
        return False
    return (changelog.get("total") or 0) > len(changelog.get("histories") or [])


class Changelogs:
    """Fetches complete changelogs in groups, each a request or a chain of them, so that several
    can be in flight: on Cloud, issues whose histories add up to one bulk page, on Data Center
    one issue each."""

    def __init__(self, http: JiraHttp, endpoints: dict[str, Endpoint]):
        self.http = http
        self.bulk = endpoints.get("bulk_changelogs")
        self.single = endpoints["changelog"]

    @property
    def pages_per_request(self) -> int:
        """How many search pages' issues to ask for together: a few in bulk, one issue by issue."""
        return BULK_PAGES if self.bulk else 1

    def submit(self, issues: list[dict], workers: Workers) -> list[Future]:
        """`fetch` in groups, a task each; each future gives a part of what `fetch` returns."""
        return [workers.submit(self.fetch, group) for group in self.groups(issues)]

    def groups(self, issues: list[dict]) -> list[list[dict]]:
        """Largest first into the first group with room (Cloud): about as few bulk pages as one
        chain of them would take, but each group its own request."""
        if not self.bulk:
            return [[issue] for issue in issues]
        groups: list[tuple[list[dict], list[int]]] = []
        for issue in sorted(issues, key=lambda i: -(i["changelog"].get("total") or 0)):
            size = issue["changelog"].get("total") or 0
            group = next((g for g in groups if g[1][0] >= size), None)
            if group is None:
                group = ([], [self.bulk.page_size])
                groups.append(group)
            group[0].append(issue)
            group[1][0] -= size
        return [members for members, _ in groups]

    def fetch(self, issues: list[dict]) -> dict[str, list[dict]]:
        """Every history of each issue, by issue id, one request at a time."""
        bulk = self.bulk
        if bulk:
            try:
                return self._in_bulk(bulk, issues)
            except JiraProblem as problem:
                if problem.status != 404:
                    raise
                if self.bulk:
                    log.warning("%s offers no bulk changelog fetch; fetching changelogs issue by issue", self.http.site)
                self.bulk = None
        return self._one_by_one(issues)

    def _in_bulk(self, bulk: Endpoint, issues: list[dict]) -> dict[str, list[dict]]:
        histories = defaultdict(list)
        for page in pages(self.http, bulk, {"issueIdsOrKeys": [i["id"] for i in issues]}):
            for entry in page.items:
                histories[str(entry.get("issueId"))].extend(entry.get("changeHistories") or [])
        return histories

    def _one_by_one(self, issues: list[dict]) -> dict[str, list[dict]]:
        histories = {}
        for issue in issues:
            try:
                histories[issue["id"]] = [h for page in pages(self.http, self.single, {}, key=issue["key"])
                                          for h in page.items]
            except JiraProblem as problem:
                if problem.status != 404:
                    raise
                log.warning("%s was deleted while syncing; --reconcile will retire it", issue["key"])
        return histories


class StoredHistories:
    """Stores fetched histories that are not already inline or stored.

    Only issues that already have histories stored apart are looked up, from a set read once per
    run: a lookup for every page over a raw_changelogs that grows with every page would make a long
    sync quadratic.
    """

    def __init__(self, store: RawStore, load_id: int):
        self.store = store
        self.issues = store.issues_with_histories(load_id)

    def add(self, load_id: int, issues: list[dict], fetched: dict[str, list[dict]], fetched_at: datetime) -> None:
        known = defaultdict(set)
        earlier = [i["id"] for i in issues if i["id"] in self.issues]
        if earlier:
            for issue_id, history_id in self.store.history_ids(load_id, earlier):
                known[issue_id].add(history_id)
        batch = []
        for issue in issues:
            seen = known[issue["id"]] | {str(h.get("id")) for h in issue["changelog"].get("histories") or []}
            new = []
            for history in fetched.get(issue["id"], ()):
                if str(history.get("id")) not in seen:
                    seen.add(str(history.get("id")))
                    new.append(history)
            if new:
                batch.append({"issue_id": issue["id"], "issue_key": issue.get("key"), "histories": new})
        self.store.add_histories(load_id, batch, fetched_at)
        self.issues.update(entry["issue_id"] for entry in batch)
