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

# Issues this site gave us that the listing did not name, unless already retired since last fetched.
_GONE = """
    SELECT r.issue_id, arg_max(r.issue_key, r.seq)
    FROM raw_issues AS r JOIN raw_loads AS l USING (load_id)
    WHERE l.kind LIKE 'sync-%' AND l.source = ? AND r.issue_id IS NOT NULL
      AND r.issue_id NOT IN (SELECT issue_id FROM jira_matched WHERE issue_id IS NOT NULL)
    GROUP BY r.issue_id
    HAVING max(r.fetched_at) > coalesce(
        (SELECT max(t.retired_at) FROM retired_issues AS t WHERE t.issue_id = r.issue_id), '-infinity'::TIMESTAMP)
"""


def issues_gone(store: RawStore, site: Site, endpoint: Endpoint, jql_for: Callable[[str | None], str]) -> list[tuple[str, str]]:
    store.con.execute("CREATE OR REPLACE TEMP TABLE jira_matched (issue_id VARCHAR)")
    for page, _, _ in issue_pages(site.http, endpoint, {}, jql_for, None, site.zone):
        store.con.execute("INSERT INTO jira_matched SELECT unnest(json_extract_string(?::JSON, '$.issues[*].id'))",
                          [page.text])
    matched = store.con.execute("SELECT count(*) FROM jira_matched").fetchall()[0][0]
    gone = store.con.execute(_GONE, [site.url]).fetchall()
    if gone and not matched:
        # More likely lost permissions or a broken query than every incident deleted.
        raise JiraProblem(f"the JQL now matches no issues at {site.url}, yet {len(gone)} stored issues came from "
                          f"it; nothing was retired: {JQL_HINT} and the account's permissions")
    return gone
