"""Action items: the follow-up work a post-mortem files for its incident, and how that work fares.

Label `postmortem-action` plus `operational`, `strategic` or neither. Tied to the incident by an
"Action item" link (incident outward "has action item" -> item) or as a Sub-task of it; about 1%
tied to nothing. To Do -> In Progress -> (Blocked) -> In Review -> Done, or Won't Do. Operational
work closes in weeks; strategic work stalls for months and often stays open, how often depending
on the team.
"""
from __future__ import annotations

import math
from operator import itemgetter
from typing import NamedTuple

from etl.demo.catalogue import SERVICE_TEAM
from etl.demo.changelog import (BLOCKED, DONE, IN_PROGRESS, IN_REVIEW, ITEM_MOVE, ITEM_STATUS, RESOLUTION_CLEARED,
                                RESOLUTION_DONE, RESOLUTION_WONT_DO, RESOLVED_DONE, RESOLVED_WONT_DO, TO_DO,
                                WONT_DO, assignee_change, due_date_change, history, touched_later)
from etl.demo.clock import DAY, HOUR, MINUTE, NEVER, during_working_hours, jira_time, local_date
from etl.demo.draws import band, lognormal, pick
from etl.demo.jira import (COMPONENTS_OF, HIGH, LOW, MEDIUM, PROJECT_OPS, PROJECT_PLAT, TEAM_FIELD, TEAM_OPTION,
                           TEAM_USERS, TYPE_EPIC, TYPE_STORY, TYPE_SUBTASK, TYPE_TASK, Numbering, User, issue)
from etl.demo.links import ACTION_ITEM, link
from etl.demo.summaries import (OPERATIONAL_SUMMARIES, STRATEGIC_SUMMARIES, UNCLASSIFIED_SUMMARIES,
                                ItemSummaries)

OPERATIONAL, STRATEGIC, UNCLASSIFIED = range(3)
_CLASS_BOUNDS = (0.65, 0.90)                     # 65% operational, 25% strategic, 10% neither
# How an item is tied to its incident.
_ORPHAN, _LINKED, _SUBTASK = range(3)
_SUBTASK_SHARE = 0.2 / (0.99 * 0.75)             # of non-strategic tied items -> 20% overall
# Share of each team's strategic items that are never finished: the followthrough culture.
TEAM_ABANDON = {"Payments": 0.13, "Identity": 0.19, "Discovery": 0.29, "Platform": 0.37, "Data": 0.43}

_LABELS_OPERATIONAL = ["postmortem-action", "operational"]
_LABELS_STRATEGIC = ["postmortem-action", "strategic"]
_LABELS_UNCLASSIFIED = ["postmortem-action"]
_LABELS_FOLLOW_UP = ["postmortem-action", "follow-up"]
# A late item's due date is moved at most this often; most strategic items state their risk.
_MOST_POSTPONEMENTS = 3
_P_RISK_STATED = 0.6
_RISKS = ("If we do not fix this, we will lose {share}% of {service} transactions during the next outage.",
          "Until this is done, every {service} deploy risks a repeat of this incident for {share}% of customers.",
          "Without it, {service} stays a single point of failure: {share}% of revenue depends on it.")


class _Behaviour(NamedTuple):
    """How one class of item behaves. Each stage lasts lognormal(median ms, sigma)."""
    to_do: float
    to_do_sigma: float
    progress: float
    progress_sigma: float
    p_blocked: float
    blocked: float
    blocked_sigma: float
    review: float
    review_sigma: float
    p_wont_do: float
    p_never_finished: float | None               # None: the team's TEAM_ABANDON
    p_assigned: float
    p_due_date: float
    due_in_days: tuple[int, int]
    summaries: ItemSummaries


_BEHAVIOUR = (                                   # per class
    _Behaviour(to_do=3.0 * DAY, to_do_sigma=1.0, progress=7.0 * DAY, progress_sigma=0.8,
               p_blocked=0.08, blocked=6.0 * DAY, blocked_sigma=0.7, review=1.0 * DAY, review_sigma=0.8,
               p_wont_do=0.03, p_never_finished=0.065, p_assigned=0.88, p_due_date=0.9, due_in_days=(14, 42),
               summaries=OPERATIONAL_SUMMARIES),
    _Behaviour(to_do=35.0 * DAY, to_do_sigma=1.1, progress=45.0 * DAY, progress_sigma=0.9,
               p_blocked=0.30, blocked=30.0 * DAY, blocked_sigma=0.9, review=4.0 * DAY, review_sigma=0.7,
               p_wont_do=0.07, p_never_finished=None, p_assigned=0.72, p_due_date=0.8, due_in_days=(45, 120),
               summaries=STRATEGIC_SUMMARIES),
    _Behaviour(to_do=6.0 * DAY, to_do_sigma=1.0, progress=9.0 * DAY, progress_sigma=0.9,
               p_blocked=0.10, blocked=10.0 * DAY, blocked_sigma=0.8, review=2.0 * DAY, review_sigma=0.8,
               p_wont_do=0.03, p_never_finished=0.12, p_assigned=0.7, p_due_date=0.7, due_in_days=(14, 60),
               summaries=UNCLASSIFIED_SUMMARIES),
)


class PostMortem(NamedTuple):
    """The review that files an incident's action items."""
    held_at: int
    author: User
    incident: dict                               # reference to the incident
    incident_created: int
    service: str
    team: str                                    # the team that handled the incident


class ActionItem(NamedTuple):
    issue: dict
    created: int
    closed: int                                  # NEVER while open
    strategic: bool
    link_on_incident: dict | None                # the "has action item" entry for the incident
    subtask: dict | None                         # the incident's subtasks entry


class ActionItems:
    """Writes action items from the run's random stream."""

    def __init__(self, r, numbering: Numbering, services: tuple[str, ...], as_of: int, side):
        self.rnd = r.random
        self.side = side.random
        self.gauss = r.gauss
        self.numbering = numbering
        self.services = services
        self.as_of = as_of

    def file(self, pm: PostMortem) -> ActionItem:
        rnd = self.rnd
        item_class, tie, issuetype, labels = _what_kind(rnd)
        service, team, components = self._where(pm)
        members = TEAM_USERS[team]
        created, reporter = self._filed(pm, members)
        behaviour = _BEHAVIOUR[item_class]
        log = self._life(behaviour, item_class == STRATEGIC, team, members, created, reporter)

        done = log.status >= DONE
        updated, updated_by = log.last_t, log.last_user
        touched = touched_later(rnd, 0.3, 20, updated, self.as_of)
        if touched is not None:
            updated, updated_by = touched, log.assignee or reporter
        item_id = next(self.numbering.issue_ids)
        key, project = ((next(self.numbering.ops_keys), PROJECT_OPS) if tie == _SUBTASK
                        else (next(self.numbering.plat_keys), PROJECT_PLAT))
        priority = (HIGH, MEDIUM, LOW)[band(rnd, (0.25, 0.85))]
        fields = {
            "summary": behaviour.summaries.pick(rnd, service),
            "issuetype": issuetype,
            "project": project,
            "status": ITEM_STATUS[log.status],
            "priority": priority,
            "created": jira_time(created, reporter),
            "updated": jira_time(updated, updated_by),
            "resolutiondate": jira_time(log.resolved_at, log.resolver) if done else None,
            "resolution": (RESOLUTION_WONT_DO if log.status == WONT_DO else RESOLUTION_DONE) if done else None,
            "duedate": local_date(log.due, reporter) if log.due is not None else None,
            "assignee": log.assignee.ref if log.assignee is not None else None,
            "reporter": reporter.ref,
            "labels": labels,
            "components": components,
            TEAM_FIELD: TEAM_OPTION[team],
            "issuelinks": [],
        }
        if item_class == STRATEGIC:
            fields["description"] = _description(self.side, service)
        ref = {"id": item_id, "key": key}
        on_incident = subtask = None
        if tie == _LINKED:
            on_incident, on_item = link(self.numbering, ACTION_ITEM, pm.incident, ref)
            fields["issuelinks"].append(on_item)
        elif tie == _SUBTASK:
            fields["parent"] = pm.incident
            subtask = ref
        return ActionItem(issue(item_id, key, fields, log.histories), created,
                          log.resolved_at if done else NEVER, item_class == STRATEGIC, on_incident, subtask)

    def _life(self, behaviour: _Behaviour, strategic: bool, team: str, members: tuple[User, ...],
              created: int, reporter: User) -> _Changelog:
        """What becomes of the item, written down up to the as-of moment."""
        rnd = self.rnd
        stuck_at, wont_do = _fate(rnd, behaviour, team)
        moves = _planned_moves(rnd, self.gauss, behaviour, created, stuck_at, wont_do)
        assignee, owner, reassignment = self._assignment(behaviour, strategic and stuck_at is not None,
                                                         members, created, moves)
        due, postponed = _due_date(rnd, self.side, behaviour, created, moves)
        log = _Changelog(self.numbering, self.as_of, created, reporter, assignee, owner, due)
        log.replay(moves, _edits(created, reassignment, postponed))
        return log

    def _where(self, pm: PostMortem) -> tuple[str, str, list]:
        """The item's service, team and components: mostly the incident's."""
        x = self.rnd()
        if x < 0.08:                                  # the fix lives in a neighbouring service
            service = pick(self.rnd, self.services)
            return service, SERVICE_TEAM[service], COMPONENTS_OF[service]
        if x < 0.12:
            return pm.service, pm.team, []
        if x < 0.14:
            return pm.service, "Platform", COMPONENTS_OF[pm.service]
        return pm.service, pm.team, COMPONENTS_OF[pm.service]

    def _filed(self, pm: PostMortem, members: tuple[User, ...]) -> tuple[int, User]:
        """When the item was filed, and by whom: mostly by the post-mortem's author, within hours of
        it, but never before the incident nor after the as-of moment."""
        rnd, as_of, earliest = self.rnd, self.as_of, pm.incident_created + MINUTE
        created = min(pm.held_at + int(3 * HOUR * rnd()), as_of - int((as_of - pm.incident_created) * 0.5 * rnd()))
        created = max(created, earliest)
        reporter = pm.author if rnd() < 0.8 else pick(rnd, members)
        return min(during_working_hours(created, reporter), max(as_of - MINUTE, earliest)), reporter

    def _assignment(self, behaviour: _Behaviour, stalled_strategic: bool, members: tuple[User, ...], created: int,
                    moves: list) -> tuple[User | None, User, tuple | None]:
        """Who it is assigned to at first, who takes it when it is started unassigned, and a later
        (time, new assignee) if it changes hands."""
        rnd = self.rnd
        assignee = pick(rnd, members) if rnd() < behaviour.p_assigned else None
        owner = assignee or pick(rnd, members)
        if rnd() < 0.12:
            horizon = moves[-1][0] if moves else created + 60 * DAY
            return assignee, owner, (created + int((horizon - created) * rnd()) + 1000, pick(rnd, members))
        if stalled_strategic and rnd() < 0.05:        # its owner left, and nobody took it over
            return assignee, owner, (created + int(lognormal(self.gauss, 60 * DAY, 0.8)), None)
        return assignee, owner, None


def _what_kind(rnd) -> tuple[int, int, dict, list]:
    """Class, tie to the incident, issue type and labels."""
    item_class = band(rnd, _CLASS_BOUNDS)
    if rnd() < 0.01:
        tie = _ORPHAN
    elif item_class != STRATEGIC and rnd() < _SUBTASK_SHARE:
        tie = _SUBTASK
    else:
        tie = _LINKED
    if item_class == STRATEGIC:
        if rnd() < 0.4:                               # an Epic is strategic by its type, labelled or not
            issuetype, labels = TYPE_EPIC, _LABELS_STRATEGIC if rnd() < 0.7 else _LABELS_UNCLASSIFIED
        else:
            issuetype, labels = TYPE_STORY, _LABELS_STRATEGIC
    elif item_class == OPERATIONAL:
        issuetype, labels = TYPE_TASK, _LABELS_OPERATIONAL
    else:
        issuetype = TYPE_TASK if rnd() < 0.7 else TYPE_STORY
        labels = _LABELS_UNCLASSIFIED if rnd() < 0.8 else _LABELS_FOLLOW_UP
    return item_class, tie, TYPE_SUBTASK if tie == _SUBTASK else issuetype, labels


def _fate(rnd, behaviour: _Behaviour, team: str) -> tuple[int | None, bool]:
    """Where the item gets stuck for good (None: it is finished), and whether finishing means Won't Do."""
    p_never_finished = TEAM_ABANDON[team] if behaviour.p_never_finished is None else behaviour.p_never_finished
    stuck_at = (TO_DO, IN_PROGRESS, BLOCKED)[band(rnd, (0.5, 0.85))] if rnd() < p_never_finished else None
    return stuck_at, stuck_at is None and rnd() < behaviour.p_wont_do


class _Plan:
    """Moves (time, to status), each a stage's length after the one before: lognormal (as
    `draws.lognormal`, written out for speed), plus a minute so that nothing takes no time."""
    __slots__ = ("gauss", "t", "moves")

    def __init__(self, gauss, start: int):
        self.gauss = gauss
        self.t = start
        self.moves: list[tuple[int, int]] = []

    def wait(self, median: float, sigma: float) -> None:
        self.t += int(median * math.exp(sigma * self.gauss(0.0, 1.0))) + MINUTE

    def move(self, to: int) -> None:
        self.moves.append((self.t, to))

    def after(self, median: float, sigma: float, to: int) -> None:
        self.t += int(median * math.exp(sigma * self.gauss(0.0, 1.0))) + MINUTE
        self.moves.append((self.t, to))


def _planned_moves(rnd, gauss, behaviour: _Behaviour, created: int, stuck_at: int | None, wont_do: bool) -> list:
    """The item's moves as if the demo ran forever; stuck items stop where they are stuck."""
    plan = _Plan(gauss, created)
    plan.wait(behaviour.to_do, behaviour.to_do_sigma)
    if wont_do and rnd() < 0.6:                       # dropped before anyone started it
        plan.move(WONT_DO)
    elif stuck_at != TO_DO:
        plan.move(IN_PROGRESS)
        if stuck_at == BLOCKED or (stuck_at is None and rnd() < behaviour.p_blocked):
            plan.after(0.4 * behaviour.progress, behaviour.progress_sigma, BLOCKED)
            if stuck_at is None:
                plan.after(behaviour.blocked, behaviour.blocked_sigma, IN_PROGRESS)
        if stuck_at is None:
            plan.after(behaviour.progress, behaviour.progress_sigma, WONT_DO if wont_do else IN_REVIEW)
            if not wont_do:
                _review_until_done(rnd, plan, behaviour)
    return plan.moves


def _review_until_done(rnd, plan: _Plan, behaviour: _Behaviour) -> None:
    """In review until Done; now and then sent back first, or reopened after."""
    if rnd() < 0.1:                                   # review sends it back
        plan.after(behaviour.review, behaviour.review_sigma, IN_PROGRESS)
        plan.after(0.3 * behaviour.progress, behaviour.progress_sigma, IN_REVIEW)
    plan.after(behaviour.review, behaviour.review_sigma, DONE)
    if rnd() < 0.02:                                  # reopened
        plan.after(5 * DAY, 1.0, IN_PROGRESS)
        plan.after(0.4 * behaviour.progress, behaviour.progress_sigma, IN_REVIEW)
        plan.after(behaviour.review, behaviour.review_sigma, DONE)


def _due_date(rnd, side, behaviour: _Behaviour, created: int, moves: list) -> tuple[int | None, list]:
    """The due date (ms), and each (when, new due date) it is pushed back because the work runs
    late: a few days before it would be missed, and, half the time, again when that one nears
    (drawn from `side`)."""
    if rnd() >= behaviour.p_due_date:
        return None, []
    low, high = behaviour.due_in_days
    due = created + int((low + (high - low) * rnd()) * DAY)
    finish = moves[-1][0] if moves and moves[-1][1] in (DONE, WONT_DO) else NEVER
    if not (finish > due and rnd() < 0.3):
        return due, []
    postponed = [(due - int(DAY * 3 * rnd()) - HOUR, due + int((14 + 31 * rnd()) * DAY))]
    while finish > postponed[-1][1] and len(postponed) < _MOST_POSTPONEMENTS and side() < 0.5:
        later = postponed[-1][1]
        postponed.append((later - int(DAY * 3 * side()) - HOUR, later + int((14 + 31 * side()) * DAY)))
    return due, postponed


def _edits(created: int, reassignment: tuple | None, postponed: list) -> list:
    """The changes that are not moves, as (time, field, new value), in the order they happen."""
    edits = []
    if reassignment is not None:
        edits.append((reassignment[0], "assignee", reassignment[1]))
    edits += [(when, "duedate", new) for when, new in postponed if when > created]
    return sorted(edits, key=itemgetter(0))


def _description(rnd, service: str) -> str:
    """Why the strategic work matters; most state, in a section of their own, what the risk is."""
    why = f"Follow-up from the post-mortem: the {service} fix needs roadmap time, not on-call time."
    if rnd() < _P_RISK_STATED:
        return f"{why}\n\nh3. Risk\n{pick(rnd, _RISKS).format(service=service, share=5 + int(40 * rnd()))}"
    return why


class _Changelog:
    """An item's changelog and fields as its moves and edits happen, up to the as-of moment."""
    __slots__ = ("numbering", "as_of", "histories", "status", "resolved_at", "resolver", "last_t", "last_user",
                 "reporter", "assignee", "owner", "due", "stopped")

    def __init__(self, numbering: Numbering, as_of: int, created: int, reporter: User,
                 assignee: User | None, owner: User, due: int | None):
        self.numbering = numbering
        self.as_of = as_of
        self.histories: list[dict] = []
        self.status = TO_DO
        self.resolved_at: int | None = None
        self.resolver = reporter
        self.last_t = created
        self.last_user = reporter
        self.reporter = reporter
        self.assignee = assignee
        self.owner = owner
        self.due = due
        self.stopped = False                          # a move fell after as-of: no more moves

    def replay(self, moves: list, edits: list) -> None:
        # A final stop just after as-of lets the edits due by then happen.
        for t, to in [*moves, (self.as_of + 1, None)]:
            while edits and edits[0][0] < t:
                if not self._edit(*edits.pop(0)):
                    edits.clear()
            if to is not None:
                self._move(t, to)

    def _edit(self, when: int, field: str, value) -> bool:
        """False when the edit falls after as-of, and with it every later one."""
        when = max(when, self.last_t + 1000)
        if when > self.as_of:
            return False
        who = self.assignee or self.reporter
        if field == "assignee":
            if value is self.assignee:
                return True
            items = [assignee_change(self.assignee, value)]
            self.assignee = value
        else:
            items = [due_date_change(self.due, value, self.reporter)]
            self.due = value
        self._write(when, who, items)
        return True

    def _move(self, t: int, to: int) -> None:
        if self.stopped:
            return
        actor = self.assignee or self.owner
        t = during_working_hours(t, actor)
        if t <= self.last_t:
            t = self.last_t + MINUTE
        if t > self.as_of:
            self.stopped = True
            return
        items = [ITEM_MOVE[(self.status, to)]]
        if self.status == TO_DO and to == IN_PROGRESS and self.assignee is None:
            items.append(assignee_change(None, self.owner))       # whoever starts it takes it
            self.assignee = self.owner
        if to == DONE:
            items.append(RESOLVED_DONE)
            self.resolved_at, self.resolver = t, actor
        elif to == WONT_DO:
            items.append(RESOLVED_WONT_DO)
            self.resolved_at, self.resolver = t, actor
        elif self.status == DONE:
            items.append(RESOLUTION_CLEARED)
            self.resolved_at = None
        self.status = to
        self._write(t, actor, items)

    def _write(self, t: int, who: User, items: list) -> None:
        self.histories.append(history(self.numbering, t, who, items))
        self.last_t, self.last_user = t, who
