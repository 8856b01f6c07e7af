"""Incidents: project OPS, type Incident, with their action items and their repeats.

Severity in `customfield_10100` ("Sev 1".."Sev 4"; about 1% empty and 1% the unmapped
"Critical"), service in `components`, team in `customfield_10200`. Open -> Investigating ->
(Mitigated) -> Resolved, resolving in hours (Sev 1) to days (Sev 4).
"""
from __future__ import annotations

import random
from typing import Iterator, NamedTuple

from etl.demo.action_items import ActionItems, PostMortem
from etl.demo.catalogue import SERVICE_TEAM, TEAMS
from etl.demo.changelog import (INCIDENT_MOVE, INCIDENT_STATUS, INVESTIGATING, MITIGATED, OPEN, RESOLUTION_CLEARED,
                                RESOLUTION_DONE, RESOLVED, RESOLVED_DONE, assignee_change, history, touched_later)
from etl.demo.clock import DAY, HOUR, MINUTE, jira_time
from etl.demo.draws import band, lognormal, pick
from etl.demo.jira import (COMPONENT, COMPONENTS_OF, PRIORITIES, PROJECT_OPS, SEVERITIES, SEVERITY_FIELD, TEAM_FIELD,
                           TEAM_OPTION, TEAM_USERS, TYPE_INCIDENT, Numbering, User, issue)
from etl.demo.links import BLOCKS, link, ref
from etl.demo.recurrence import Repeat, Repeats
from etl.demo.service_odds import ServiceOdds
from etl.demo.summaries import cause_label, incident_summary, repeat_summary

# Severity: Sev 1..4 about 5/20/45/30 %, 1% empty, 1% the unmapped "Critical".
_SEVERITY_BOUNDS = (0.049, 0.245, 0.686, 0.98, 0.99)     # Sev1, Sev2, Sev3, Sev4, Critical, else none
# Priority roughly follows severity: per severity (the last: none), cumulative shares of
# Highest, High, Medium, Low.
_PRIORITY_BOUNDS = ((0.85, 1.0, 1.0, 1.0), (0.15, 0.85, 1.0, 1.0), (0.0, 0.15, 0.85, 1.0),
                    (0.0, 0.0, 0.25, 1.0), (0.7, 1.0, 1.0, 1.0), (0.1, 0.4, 0.9, 1.0))
# Median minutes from creation to Resolved, per severity (the last: none).
_TTR_MEDIAN_MIN = (150, 300, 1200, 4320, 150, 600)
_ITEM_COUNT_BOUNDS = (0.10, 0.30, 0.60)                 # 2, 3, 4, else 5 items: mean 4.0
# Share of SEV-1 and SEV-2 incidents whose post-mortem never files an item: a post-mortem gap.
_NO_POST_MORTEM = 0.06
_LABELS = (["incident"], ["incident", "customer-impact"], ["incident", "on-call"],
           ["incident", "customer-impact", "sla-breach"], [])
# Half the post-mortems record a root cause label; of the unlinked repeats, some are recognised
# in the summary, some share the earlier root cause, the rest are only on the same service.
_CAUSE_RECORDED = 0.5
_REPEAT_RECOGNISED = 0.35
_REPEAT_SAME_CAUSE = 0.3
# What happens along an incident's timeline; at the same instant a move comes before a handover.
_MOVE, _HANDOVER = 0, 1


class _Timeline(NamedTuple):
    """An incident's changelog up to the as-of moment, and where it left the incident."""
    histories: list
    status: int
    resolved_at: int | None
    assignee: User
    last_actor: User
    last_change: int


class _Items(NamedTuple):
    issues: list
    links: list                                  # the incident's "has action item" entries
    subtasks: list
    strategic_spans: list                        # (created, closed) of its strategic items


class Incidents:
    """Writes each incident, then its action items, from the run's random stream."""

    def __init__(self, r, numbering: Numbering, services: tuple[str, ...], as_of: int,
                 odds: ServiceOdds, repeats: Repeats, side):
        self.rnd = r.random
        self.side = side.random
        self.gauss = r.gauss
        self.numbering = numbering
        self.services = services
        self.as_of = as_of
        self.odds = odds
        self.repeats = repeats
        self._told: dict[str, tuple[str, str | None]] = {}    # incident id -> (summary, root cause label)
        self.action_items = ActionItems(r, numbering, services, as_of, side)

    def file(self, created: int, service: str, repeat: Repeat | None) -> Iterator[dict]:
        """The incident (unless held back for its "recurs as" link), its action items and, when it
        is a linked repeat, the earlier incident."""
        rnd = self.rnd
        team, severity, priority = self._triage(service)
        members = TEAM_USERS[team]
        reporter = pick(rnd, members)
        commander = pick(rnd, members)
        time_to_resolve, events = self._lifecycle(created, severity, members, commander)
        incident_id = next(self.numbering.issue_ids)
        key = next(self.numbering.ops_keys)
        incident = {"id": incident_id, "key": key}
        timeline = self._timeline(created, reporter, commander, events)
        done = timeline.status == RESOLVED

        item_count = 2 + band(rnd, _ITEM_COUNT_BOUNDS)
        # The post-mortem meets a couple of days after the incident is resolved (or would have been).
        held_at = ((timeline.resolved_at if done else created + time_to_resolve)
                   + int(lognormal(self.gauss, 2 * DAY, 0.7)))
        items, last_linked = self._action_items(PostMortem(held_at, reporter, incident, created, service, team),
                                                item_count)
        if severity <= 1 and self.side() < _NO_POST_MORTEM:
            # Drawn and then left unfiled, so the run goes on as drawn; its repeat odds stay those
            # of the items it would have had.
            items, last_linked = _Items([], [], [], items.strategic_spans), created
        updated = max(timeline.last_change, last_linked)     # linking an item updates the incident
        earlier = None
        if repeat is not None and repeat.linked:
            on_this, earlier, linked_at = self.repeats.link_back(self.numbering, repeat, incident, created)
            items.links.append(on_this)
            updated = max(updated, linked_at)
        held = self.repeats.schedule(rnd, incident, created, service, items.strategic_spans, self.as_of)

        touched = touched_later(rnd, 0.25, 10, updated, self.as_of)
        if touched is not None:
            updated = touched
        updated_by = timeline.last_actor if rnd() < 0.7 else reporter
        components = self._components(service)
        summary, labels = self._story(key, incident_id, service, incident_summary(rnd, service), pick(rnd, _LABELS),
                                      repeat)
        fields = {
            "summary": summary,
            "issuetype": TYPE_INCIDENT,
            "project": PROJECT_OPS,
            "status": INCIDENT_STATUS[timeline.status],
            "priority": priority,
            "created": jira_time(created, reporter),
            "updated": jira_time(updated, updated_by),
            "resolutiondate": jira_time(timeline.resolved_at, timeline.last_actor) if done else None,
            "resolution": RESOLUTION_DONE if done else None,
            "duedate": None,
            "assignee": timeline.assignee.ref,
            "reporter": reporter.ref,
            "labels": labels,
            "components": components,
            SEVERITY_FIELD: SEVERITIES[severity] if severity < len(SEVERITIES) else None,
            TEAM_FIELD: TEAM_OPTION[team],
            "issuelinks": items.links,
            "subtasks": items.subtasks,
        }
        incident_issue = issue(incident_id, key, fields, timeline.histories)
        if held:
            self.repeats.hold(incident_issue, updated, updated_by)
        else:
            yield incident_issue
        yield from items.issues
        if earlier is not None:
            yield earlier

    def _story(self, key: str, incident_id: str, service: str, summary: str, labels: list, repeat: Repeat | None):
        """The summary and labels, with the root cause and how a repeat was recognised. Drawn from a
        stream of their own, seeded by the key, so the main stream (and every other field) is as it was."""
        side = random.Random(f"story:{key}").random
        cause = cause_label(side, service) if side() < _CAUSE_RECORDED else None
        told = self._told.pop(repeat.earlier["id"], None) if repeat is not None else None
        if told is not None and not repeat.linked:
            way = side()
            if way < _REPEAT_RECOGNISED:
                summary = repeat_summary(side, told[0])
            elif way < _REPEAT_RECOGNISED + _REPEAT_SAME_CAUSE and told[1]:
                cause = told[1]
        self._told[incident_id] = (summary, cause)
        return summary, labels + [cause] if cause else labels

    def _triage(self, service: str) -> tuple[str, int, dict]:
        """The team that handles it, its severity (an index into SEVERITIES; past the end: none) and priority."""
        rnd = self.rnd
        team = SERVICE_TEAM[service]
        if rnd() < 0.03:                              # handled by another team
            team = pick(rnd, TEAMS)
        severity = band(rnd, _SEVERITY_BOUNDS)
        return team, severity, PRIORITIES[band(rnd, _PRIORITY_BOUNDS[severity])]

    def _lifecycle(self, created: int, severity: int, members: tuple[User, ...],
                   commander: User) -> tuple[int, list]:
        """How long the incident takes to resolve, and its moves and handover as they would happen
        if the demo ran forever: (time, _MOVE, (from, to)) and (time, _HANDOVER, new assignee)."""
        rnd, gauss = self.rnd, self.gauss
        time_to_resolve = int(lognormal(gauss, _TTR_MEDIAN_MIN[severity] * MINUTE, 0.9)) + 20 * MINUTE
        investigating = created + int(lognormal(gauss, 6 * MINUTE, 0.8)) + 30_000
        resolved = max(created + time_to_resolve, investigating + 5 * MINUTE)
        moves = [(investigating, OPEN, INVESTIGATING)]
        if rnd() < 0.85:
            mitigated = investigating + int((resolved - investigating) * (0.3 + 0.5 * rnd()))
            moves += [(mitigated, INVESTIGATING, MITIGATED), (resolved, MITIGATED, RESOLVED)]
        else:
            moves.append((resolved, INVESTIGATING, RESOLVED))
        if rnd() < 0.015:                             # came back after being resolved
            reopened = resolved + int(HOUR * (1 + 30 * rnd()))
            moves += [(reopened, RESOLVED, INVESTIGATING),
                      (reopened + int(time_to_resolve * (0.2 + rnd())), INVESTIGATING, RESOLVED)]
        events = [(t, _MOVE, (a, b)) for t, a, b in moves]
        if rnd() < 0.15:                              # the incident commander hands over
            handover_at = investigating + int((resolved - investigating) * rnd() * 0.6) + 1000
            successor = pick(rnd, members)
            if successor is not commander:
                events.append((handover_at, _HANDOVER, successor))
        return time_to_resolve, sorted(events)

    def _timeline(self, created: int, reporter: User, commander: User, events: list) -> _Timeline:
        """Play the events up to as-of; the commander holds the incident until a handover."""
        histories = []
        status, resolved_at = OPEN, None
        assignee, last_actor, last_change = commander, reporter, created
        for t, what, change in events:
            if t > self.as_of:
                break
            if what == _HANDOVER:
                histories.append(history(self.numbering, t, assignee, [assignee_change(assignee, change)]))
                assignee = change
            else:
                items = [INCIDENT_MOVE[change]]
                if change[1] == RESOLVED:
                    items.append(RESOLVED_DONE)
                    resolved_at = t
                elif change[0] == RESOLVED:
                    items.append(RESOLUTION_CLEARED)
                    resolved_at = None
                histories.append(history(self.numbering, t, assignee, items))
                status = change[1]
            last_actor, last_change = assignee, t
        return _Timeline(histories, status, resolved_at, assignee, last_actor, last_change)

    def _action_items(self, pm: PostMortem, count: int) -> tuple[_Items, int]:
        """The items, and when the last one linked to the incident was filed."""
        items = _Items([], [], [], [])
        last_linked = pm.incident_created
        for _ in range(count):
            item = self.action_items.file(pm)
            if item.link_on_incident is not None:
                items.links.append(item.link_on_incident)
                last_linked = max(last_linked, item.created)
            if item.subtask is not None:
                items.subtasks.append(item.subtask)
            if item.strategic:                        # open strategic work draws fresh incidents
                items.strategic_spans.append((item.created, item.closed))
                self.odds.strategic_item_filed(pm.service, item.created, item.closed)
            items.issues.append(item.issue)
        if count >= 3 and self.rnd() < 0.04:          # one item blocks another
            first, second = items.issues[0], items.issues[1]
            on_first, on_second = link(self.numbering, BLOCKS, ref(first), ref(second))
            first["fields"]["issuelinks"].append(on_first)
            second["fields"]["issuelinks"].append(on_second)
        return items, last_linked

    def _components(self, service: str) -> list:
        if self.rnd() < 0.02:                         # it hit a second service too
            other = pick(self.rnd, self.services)
            if other != service:
                return [COMPONENT[service], COMPONENT[other]]
        return COMPONENTS_OF[service]
