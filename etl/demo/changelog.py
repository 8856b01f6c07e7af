"""The incident and action item workflows, and the changelog entries that record an issue's
moves along them and its other edits."""
from __future__ import annotations

from etl.demo.clock import DAY, jira_time, local_date
from etl.demo.jira import Numbering, User, api_url

_CATEGORIES = {
    "new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
    "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow", "name": "In Progress"},
    "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"},
}


def _status(sid: str, name: str, category: str) -> dict:
    return {"self": api_url(f"status/{sid}"), "id": sid, "name": name, "statusCategory": _CATEGORIES[category]}


# Statuses are numbered in workflow order; these numbers index the status objects below.
OPEN, INVESTIGATING, MITIGATED, RESOLVED = range(4)
TO_DO, IN_PROGRESS, BLOCKED, IN_REVIEW, DONE, WONT_DO = range(6)

INCIDENT_STATUS = (_status("1", "Open", "new"), _status("10001", "Investigating", "indeterminate"),
                   _status("10002", "Mitigated", "indeterminate"), _status("5", "Resolved", "done"))
ITEM_STATUS = (_status("10000", "To Do", "new"), _status("3", "In Progress", "indeterminate"),
               _status("10003", "Blocked", "indeterminate"), _status("10004", "In Review", "indeterminate"),
               _status("10005", "Done", "done"), _status("10006", "Won't Do", "done"))


def _status_changes(statuses: tuple) -> dict:
    return {(a, b): {"field": "status", "fieldtype": "jira", "fieldId": "status",
                     "from": fa["id"], "fromString": fa["name"], "to": fb["id"], "toString": fb["name"]}
            for a, fa in enumerate(statuses) for b, fb in enumerate(statuses) if a != b}


# The changelog item of every move, by (from status, to status).
INCIDENT_MOVE = _status_changes(INCIDENT_STATUS)
ITEM_MOVE = _status_changes(ITEM_STATUS)

RESOLUTION_DONE = {"self": api_url("resolution/10000"), "id": "10000", "name": "Done"}
RESOLUTION_WONT_DO = {"self": api_url("resolution/10001"), "id": "10001", "name": "Won't Do"}


def _resolution_change(old: dict | None, new: dict | None) -> dict:
    return {"field": "resolution", "fieldtype": "jira", "fieldId": "resolution",
            "from": old and old["id"], "fromString": old and old["name"],
            "to": new and new["id"], "toString": new and new["name"]}


RESOLVED_DONE = _resolution_change(None, RESOLUTION_DONE)
RESOLVED_WONT_DO = _resolution_change(None, RESOLUTION_WONT_DO)
RESOLUTION_CLEARED = _resolution_change(RESOLUTION_DONE, None)   # reopened: only Done work comes back


def assignee_change(old: User | None, new: User | None) -> dict:
    return {"field": "assignee", "fieldtype": "jira", "fieldId": "assignee",
            "from": old.id if old else None, "fromString": old.name if old else None,
            "to": new.id if new else None, "toString": new.name if new else None}


def due_date_change(old_ms: int, new_ms: int, reporter: User) -> dict:
    """A due date moved; both dates are days in the reporter's zone, as the field shows them."""
    old = local_date(old_ms, reporter)
    new = local_date(new_ms, reporter)
    return {"field": "duedate", "fieldtype": "jira", "fieldId": "duedate",
            "from": old, "fromString": f"{old} 00:00:00.0", "to": new, "toString": f"{new} 00:00:00.0"}


def history(numbering: Numbering, t: int, author: User, items: list) -> dict:
    """One changelog entry: what `author` changed at `t`."""
    return {"id": next(numbering.history_ids), "author": author.ref, "created": jira_time(t, author),
            "items": items}


def touched_later(rnd, chance: float, within_days: int, last_change: int, as_of: int) -> int | None:
    """When a comment, or an edit the changelog leaves out, last touched the issue after its last
    change; None when nothing did."""
    if rnd() < chance and last_change < as_of:
        return min(as_of, last_change + int(DAY * within_days * rnd()))
    return None
