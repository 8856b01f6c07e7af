"""Which service a fresh incident hits.

A service's odds are a base weight, high at the head of the catalogue and low down its long tail,
times a factor for its own strategic backlog and one for its team's: a team that lets strategic
work die keeps being paged.
"""
from __future__ import annotations

import heapq
import math
from bisect import bisect
from itertools import accumulate

from etl.demo.catalogue import SERVICE_TEAM, TEAMS
from etl.demo.clock import DAY

# Base weight of the i-th service in catalogue order: 1 / (i + SERVICE_SKEW_OFFSET) ^ SERVICE_SKEW.
SERVICE_SKEW = 0.65
SERVICE_SKEW_OFFSET = 8.0
# The backlog factor is exp(k * share of the strategic items filed in the last BACKLOG_DAYS that
# are still open), the share starting from a prior of BACKLOG_PRIOR_OPEN open in BACKLOG_PRIOR so
# that a service's first item does not swing its odds.
BACKLOG_DAYS = 365
BACKLOG_K = 2.0
TEAM_BACKLOG_K = 3.0
BACKLOG_PRIOR = 6
BACKLOG_PRIOR_OPEN = 3
# Odds are summed per block of services, and a draw goes team, block, service: a catalogue of a
# thousand services then costs little more per incident than one of thirty.
_BLOCK = 32

# What a backlog change at a given time does: an item closed, or aged out closed or still open.
_CLOSED, _AGED_OUT_CLOSED, _AGED_OUT_OPEN = range(3)


def _backlog_factor(k: float, still_open: int, filed: int) -> float:
    return math.exp(k * (still_open + BACKLOG_PRIOR_OPEN) / (filed + BACKLOG_PRIOR))


def _weighted_index(rnd, weights) -> int:
    cumulative = list(accumulate(weights))
    return bisect(cumulative, rnd() * cumulative[-1], 0, len(cumulative) - 1)


class ServiceOdds:
    """The odds of each service the demo runs, kept up to date as strategic items are filed,
    closed and age out of the backlog."""

    def __init__(self, services: tuple[str, ...]):
        self.services = services
        self.position = {s: i for i, s in enumerate(services)}
        team_position = {t: i for i, t in enumerate(TEAMS)}
        self.team_of = [team_position[SERVICE_TEAM[s]] for s in services]
        self.members: list[list[int]] = [[] for _ in TEAMS]   # service positions, per team
        self.slot = [0] * len(services)                      # a service's place among its team's
        for s, t in enumerate(self.team_of):
            self.slot[s] = len(self.members[t])
            self.members[t].append(s)
        self.base = [1.0 / (i + SERVICE_SKEW_OFFSET) ** SERVICE_SKEW for i in range(len(services))]
        prior = _backlog_factor(BACKLOG_K, 0, 0)
        self.weights = [[self.base[s] * prior for s in m] for m in self.members]
        self.block_weights = [[sum(w[lo:lo + _BLOCK]) for lo in range(0, len(w), _BLOCK)]
                              for w in self.weights]
        self.team_weight = [sum(b) for b in self.block_weights]
        self.open_strategic = [0] * len(services)
        self.filed_strategic = [0] * len(services)
        self.team_open = [0] * len(TEAMS)
        self.team_filed = [0] * len(TEAMS)
        self.changes: list = []          # heap of (time, service position, what happens)

    def pick(self, rnd) -> str:
        team_odds = [w * _backlog_factor(TEAM_BACKLOG_K, o, f)
                     for w, o, f in zip(self.team_weight, self.team_open, self.team_filed)]
        t = _weighted_index(rnd, team_odds)
        lo = _BLOCK * _weighted_index(rnd, self.block_weights[t])
        i = lo + _weighted_index(rnd, self.weights[t][lo:lo + _BLOCK])
        return self.services[self.members[t][i]]

    def strategic_item_filed(self, service: str, created: int, closed: int) -> None:
        """A strategic item for an incident on `service`, open from `created` until `closed`."""
        s = self.position[service]
        self._count(s, opened=1, filed=1)
        aged = created + BACKLOG_DAYS * DAY
        if closed < aged:
            heapq.heappush(self.changes, (closed, s, _CLOSED))
            heapq.heappush(self.changes, (aged, s, _AGED_OUT_CLOSED))
        else:
            heapq.heappush(self.changes, (aged, s, _AGED_OUT_OPEN))

    def catch_up(self, now: int) -> None:
        """Apply the backlog changes due by `now`."""
        changes = self.changes
        while changes and changes[0][0] <= now:
            _, s, what = heapq.heappop(changes)
            self._count(s, opened=0 if what == _AGED_OUT_CLOSED else -1,
                        filed=0 if what == _CLOSED else -1)

    def _count(self, s: int, opened: int, filed: int) -> None:
        t = self.team_of[s]
        self.open_strategic[s] += opened
        self.filed_strategic[s] += filed
        self.team_open[t] += opened
        self.team_filed[t] += filed
        weights = self.weights[t]
        i = self.slot[s]
        weights[i] = self.base[s] * _backlog_factor(BACKLOG_K, self.open_strategic[s], self.filed_strategic[s])
        lo = i - i % _BLOCK
        blocks = self.block_weights[t]
        blocks[i // _BLOCK] = sum(weights[lo:lo + _BLOCK])
        self.team_weight[t] = sum(blocks)
