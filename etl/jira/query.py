"""What a sync asks Jira for: the JQL and the explicit field list.

Both queries are combined into one search so an issue that is both an incident and an action item
comes once. The order (created, then key) never changes for an issue, so an issue updated while
we page cannot move to a page we have already read; new issues land at the end.
"""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from etl.config import Config
from etl.errors import UserError

ORDER = " ORDER BY created ASC, key ASC"
NEWEST_FIRST = " ORDER BY created DESC, key DESC"
_ORDER_BY = re.compile(r"\s+order\s+by\s+.*$", re.IGNORECASE | re.DOTALL)

# Everything the SQL models read from `fields`; the configured dimensions are added to it.
ISSUE_FIELDS = ("summary", "issuetype", "status", "created", "updated", "resolutiondate", "resolution",
                "duedate", "assignee", "priority", "project", "parent", "labels", "components",
                "issuelinks")


def base_jql(cfg: Config) -> str:
    # A pasted ORDER BY would end up in the middle of our query.
    parts = [_ORDER_BY.sub("", q.strip()) for q in (cfg.jira.incident_jql, cfg.jira.action_item_jql) if q.strip()]
    if not parts:
        where = cfg.path or "the configuration"
        raise UserError(f"{where}: set [jira].incident_jql and action_item_jql to the issues sync should fetch")
    return "(" + " OR ".join(f"({p})" for p in parts) + ")"


def search_jql(base: str, since: str | None = None, window: str | None = None, *, before: str | None = None,
               ordered: bool = True, newest_first: bool = False) -> str:
    """The search; `ordered=False` for the issue count, where an order means nothing, and
    `newest_first` only to find the newest issue. `window` and `before` bound `created`."""
    clauses = [base]
    if since:
        clauses.append(f'updated >= "{since}"')
    if window:
        clauses.append(f'created >= "{window}"')
    if before:
        clauses.append(f'created < "{before}"')
    order = NEWEST_FIRST if newest_first else ORDER
    return " AND ".join(clauses) + (order if ordered else "")


def issue_fields(cfg: Config) -> list[str]:
    wanted = list(ISSUE_FIELDS)
    for spec in (cfg.fields.severity, cfg.fields.service, cfg.fields.team, cfg.classification.field, cfg.action_items.epic_link_field):
        # priority, components and labels:<prefix> are read from fields already in the list.
        if spec and spec not in ("priority", "components") and not spec.startswith("labels:") and spec not in wanted:
            wanted.append(spec)
    return wanted


def jql_minute(moment: datetime, zone: ZoneInfo) -> str:
    """A JQL date: minute precision, in the API user's time zone."""
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M")
