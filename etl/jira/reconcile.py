"""Retiring stored issues the JQL no longer matches: deleted in Jira, or moved out of its projects.

Listing keys is cheap (no fields, thousands per page). The listing is not checkpointed: a run
killed while reconciling lists again, and the retirement itself is one transaction.
"""
from __future__ import annotations

from typing import Callable

from etl.jira.http import JiraProblem
from etl.jira.listing import JQL_HINT, issue_pages
from etl.jira.site import Site
from etl.jira.paging import Endpoint
from etl.rawstore import RawStore

REASON = "no longer matched by the JQL (deleted or moved)"


def issues_gone(store: RawStore, site: Site, endpoint: Endpoint, jql_for: Callable[[str | None], str]) -> list[tuple[str, str]]:
    listing = (page.text for page, _, _ in issue_pages(site.http, endpoint, {}, jql_for, None, site.zone))
    matched, gone = store.issues_unlisted(site.url, listing)
    if gone and not matched:
        # More likely lost permissions or a broken query than every incident deleted.
        raise JiraProblem(f"the JQL now matches no issues at {site.url}, yet {len(gone)} stored issues came from "
                          f"it; nothing was retired: {JQL_HINT} and the account's permissions")
    return gone
