"""Issues for the fake site, with changelogs some of which are longer than the 40 histories
Cloud inlines in a search.

`demo_issues` is the demo generator's data (realistic fields, links, sub-tasks, time zones) with
long changelogs added, since the generator's stay short. `build_issues` makes plain issues whose
`created` minutes a test controls, which is what Data Center's windows hinge on.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from etl.demo.generate import generate

START = datetime(2023, 1, 2, 9, 0, tzinfo=timezone.utc)
INCIDENT_JQL = "project = OPS AND issuetype = Incident"
ACTION_ITEM_JQL = "labels = postmortem-action"
SEVERITY_FIELD = "customfield_10100"
TEAM_FIELD = "customfield_10200"
STATUSES = (("Open", "new"), ("In Progress", "indeterminate"), ("Done", "done"))
TEAMS = ("payments", "platform", "search", "identity")

FIELD_LIST = [
    {"id": "summary", "name": "Summary", "custom": False, "schema": {"type": "string", "system": "summary"}},
    {"id": "priority", "name": "Priority", "custom": False, "schema": {"type": "priority", "system": "priority"}},
    {"id": "components", "name": "Components", "custom": False,
     "schema": {"type": "array", "items": "component", "system": "components"}},
    {"id": "labels", "name": "Labels", "custom": False, "schema": {"type": "array", "items": "string", "system": "labels"}},
    {"id": "status", "name": "Status", "custom": False, "schema": {"type": "status", "system": "status"}},
    {"id": SEVERITY_FIELD, "name": "Severity", "custom": True,
     "schema": {"type": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select",
                "customId": 10100}},
    {"id": TEAM_FIELD, "name": "Owning Team", "custom": True,
     "schema": {"type": "option", "custom": "com.atlassian.jira.plugin.system.customfieldtypes:select",
                "customId": 10200}},
    {"id": "customfield_10300", "name": "Affected service", "custom": True,
     "schema": {"type": "array", "items": "option",
                "custom": "com.atlassian.jira.plugin.system.customfieldtypes:multiselect", "customId": 10300}},
    {"id": "customfield_10014", "name": "Epic Link", "custom": True,
     "schema": {"type": "any", "custom": "com.pyxis.greenhopper.jira:gh-epic-link", "customId": 10014}},
    {"id": "customfield_10016", "name": "Story point estimate", "custom": True,
     "schema": {"type": "number", "custom": "com.pyxis.greenhopper.jira:jsw-story-points", "customId": 10016}},
]


def jira_time(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def demo_issues(incidents: int, *, seed: int = 7, long_every: int = 6) -> list[dict]:
    """The demo dataset; every `long_every`-th issue gets 41-80 extra histories (rank changes)."""
    rng = random.Random(seed)
    history_ids = iter(range(800_000_000, 10**10))
    issues = []
    for n, issue in enumerate(generate(incidents=incidents, seed=seed)):
        histories = list(issue.get("changelog", {}).get("histories") or [])
        if long_every and n % long_every == 0:
            created = datetime.fromisoformat(issue["fields"]["created"])
            histories += [rank_change(next(history_ids), created + timedelta(minutes=5 * (k + 1)))
                          for k in range(rng.randint(41, 80))]
            histories.sort(key=lambda h: datetime.fromisoformat(h["created"]))
        issues.append({**issue, "changelog": {"histories": histories}})
    return issues


def rank_change(history_id: int, when: datetime) -> dict:
    return {"id": str(history_id), "author": {"accountId": "acct-bot", "displayName": "Board bot"},
            "created": jira_time(when),
            "items": [{"field": "Rank", "fieldtype": "custom", "fieldId": "customfield_10019",
                       "from": "", "fromString": "", "to": "", "toString": "Ranked higher"}]}


def build_issues(count: int, *, seed: int = 1, long_every: int = 5, per_minute: int = 1,
                 start: datetime = START) -> list[dict]:
    """`count` issues; every `long_every`-th has 45-90 histories; `per_minute` share a created minute."""
    rng = random.Random(seed)
    history_ids = iter(range(500_000, 10**9))
    issues = []
    last_incident = None
    for n in range(count):
        incident = n % 3 == 0
        key = f"{'OPS' if incident else 'PLAT'}-{n + 1}"
        created = start + timedelta(minutes=n // per_minute, seconds=(n % per_minute) * 59 / per_minute)
        long = long_every and n % long_every == 1
        histories = [history(next(history_ids), created + timedelta(hours=h + 1), h)
                     for h in range(rng.randint(45, 90) if long else rng.randint(1, 6))]
        status, category = STATUSES[len(histories) % 3]
        done = category == "done"
        last_change = created + timedelta(hours=len(histories))
        fields = {
            "summary": f"{'Outage' if incident else 'Follow-up'} number {n + 1}",
            "issuetype": {"name": "Incident" if incident else "Task", "subtask": False},
            "status": {"name": status, "statusCategory": {"key": category}},
            "created": jira_time(created),
            "updated": jira_time(last_change),
            "resolutiondate": jira_time(last_change) if done else None,
            "resolution": {"name": "Done"} if done else None,
            "duedate": None if incident else (created + timedelta(days=30)).strftime("%Y-%m-%d"),
            "assignee": {"accountId": f"acct-{n % 7}", "displayName": f"Engineer {n % 7}"},
            "priority": {"name": ("Highest", "High", "Medium", "Low")[n % 4]},
            "project": {"key": "OPS" if incident else "PLAT"},
            "labels": ["incident"] if incident else ["postmortem-action"],
            "components": [{"name": ("checkout", "search", "login")[n % 3]}],
            "issuelinks": [] if incident or not last_incident else [{
                "id": str(9000 + n),
                "type": {"name": "Action item", "inward": "is action item of", "outward": "has action item"},
                "inwardIssue": {"key": last_incident}}],
            SEVERITY_FIELD: {"value": f"Sev {1 + n % 4}"} if incident else None,
            TEAM_FIELD: {"value": TEAMS[n % len(TEAMS)]},
            # Not in the sync's field list: the fake must leave it out.
            "description": f"What happened, in some detail, for issue {n + 1}. " * 4,
        }
        issues.append({"id": str(10_000 + n), "key": key, "fields": fields, "changelog": {"histories": histories}})
        if incident:
            last_incident = key
    return issues


def history(history_id: int, when: datetime, n: int) -> dict:
    before, after = STATUSES[n % 3], STATUSES[(n + 1) % 3]
    return {
        "id": str(history_id),
        "author": {"accountId": f"acct-{n % 5}", "displayName": f"Engineer {n % 5}"},
        "created": jira_time(when),
        "items": [{"field": "status", "fieldtype": "jira", "fieldId": "status",
                   "from": str(n % 3), "fromString": before[0], "to": str((n + 1) % 3), "toString": after[0]}],
    }
