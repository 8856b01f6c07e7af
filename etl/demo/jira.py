"""How the demo looks in Jira's REST API (v2): the constant objects that issues share, and the
numbering of issues, links and changelog entries.

Built once and shared by every issue (a large demo has hundreds of thousands), which is why
yielded issues are read-only.
"""
from __future__ import annotations

import hashlib
from itertools import count

from etl.demo.catalogue import PEOPLE, SERVICES, TEAMS
from etl.demo.clock import MINUTE

BASE_URL = "https://demo.followthrough.invalid"
SEVERITY_FIELD = "customfield_10100"
TEAM_FIELD = "customfield_10200"


def api_url(path: str) -> str:
    return f"{BASE_URL}/rest/api/2/{path}"


# Fixed-offset zones only, so the offset a timestamp shows always matches the user's zone.
_ZONES = {
    "Etc/UTC": (0, "+0000"),
    "Africa/Lagos": (60, "+0100"),
    "America/Bogota": (-300, "-0500"),
    "Asia/Kolkata": (330, "+0530"),
    "Asia/Singapore": (480, "+0800"),
}


class User:
    """A Jira user: `ref` is how issues and changelogs show them; `offset` (ms) and `offset_text`
    are their zone's, for the timestamps they write."""
    __slots__ = ("ref", "id", "name", "offset", "offset_text")

    def __init__(self, name: str, zone: str):
        minutes, self.offset_text = _ZONES[zone]
        self.id = f"5b{hashlib.md5(name.encode()).hexdigest()[:22]}"   # stable across runs
        self.name = name
        self.offset = minutes * MINUTE
        self.ref = {"accountId": self.id, "displayName": name, "active": True, "timeZone": zone,
                    "self": api_url(f"user?accountId={self.id}")}


TEAM_USERS = {team: tuple(User(name, zone) for name, zone in people) for team, people in PEOPLE.items()}

PROJECT_OPS = {"self": api_url("project/10000"), "id": "10000", "key": "OPS",
               "name": "Operations", "projectTypeKey": "software"}
PROJECT_PLAT = {"self": api_url("project/10001"), "id": "10001", "key": "PLAT",
                "name": "Platform Engineering", "projectTypeKey": "software"}


def _issuetype(tid: str, name: str, subtask: bool) -> dict:
    return {"self": api_url(f"issuetype/{tid}"), "id": tid, "name": name, "subtask": subtask}


TYPE_INCIDENT = _issuetype("10100", "Incident", False)
TYPE_TASK = _issuetype("10002", "Task", False)
TYPE_STORY = _issuetype("10001", "Story", False)
TYPE_EPIC = _issuetype("10000", "Epic", False)
TYPE_SUBTASK = _issuetype("10003", "Sub-task", True)

PRIORITIES = tuple({"self": api_url(f"priority/{i}"), "id": str(i), "name": n}
                   for i, n in enumerate(("Highest", "High", "Medium", "Low"), start=1))
HIGH, MEDIUM, LOW = PRIORITIES[1:]

# The options of the severity field; "Critical" is one the demo config does not map.
SEVERITIES = tuple({"self": api_url(f"customFieldOption/{10101 + i}"), "value": v, "id": str(10101 + i)}
                   for i, v in enumerate(("Sev 1", "Sev 2", "Sev 3", "Sev 4", "Critical")))
TEAM_OPTION = {t: {"self": api_url(f"customFieldOption/{10201 + i}"), "value": t, "id": str(10201 + i)}
               for i, t in enumerate(TEAMS)}
COMPONENT = {s: {"self": api_url(f"component/{10300 + i}"), "id": str(10300 + i), "name": s}
             for i, s in enumerate(SERVICES)}
COMPONENTS_OF = {s: [c] for s, c in COMPONENT.items()}      # the components field of an issue on one service


def issue(issue_id: str, key: str, fields: dict, histories: list) -> dict:
    """An issue as `/search?expand=changelog` returns it, with its whole changelog inline."""
    return {"id": issue_id, "key": key, "self": f"{BASE_URL}/rest/api/2/issue/{issue_id}", "fields": fields,
            "changelog": {"startAt": 0, "maxResults": len(histories), "total": len(histories),
                          "histories": histories}}


class Numbering:
    """Ids and keys, handed out (`next(...)`) in the order the run makes issues, links and
    changelog entries. OPS keys go to incidents and to the action items filed as their sub-tasks."""

    def __init__(self):
        self.issue_ids = map(str, count(100_001))
        self.ops_keys = map("OPS-{}".format, count(1))
        self.plat_keys = map("PLAT-{}".format, count(1))
        self.link_ids = map(str, count(20_001))
        self.history_ids = map(str, count(500_001))
