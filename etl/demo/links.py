"""Issue links, which Jira shows on both of the issues they join."""
from __future__ import annotations

from etl.demo.jira import Numbering, api_url

ACTION_ITEM = {"id": "10300", "name": "Action item", "inward": "is action item of",
               "outward": "has action item", "self": api_url("issueLinkType/10300")}
RECURRENCE = {"id": "10301", "name": "Recurrence", "inward": "is a recurrence of",
              "outward": "recurs as", "self": api_url("issueLinkType/10301")}
BLOCKS = {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks",
          "self": api_url("issueLinkType/10000")}


def ref(issue: dict) -> dict:
    """How a link or a parent field points at an issue."""
    return {"id": issue["id"], "key": issue["key"]}


def link(numbering: Numbering, link_type: dict, source: dict, target: dict) -> tuple[dict, dict]:
    """A link from `source` to `target` (references): (its entry on the source, its entry on the target)."""
    link_id = next(numbering.link_ids)
    return ({"id": link_id, "type": link_type, "outwardIssue": target},
            {"id": link_id, "type": link_type, "inwardIssue": source})
