"""The built-in demo dataset: seeded, Jira-REST-shaped issues that tell a true-to-life story.

`generate()` yields issue objects exactly as `/rest/api/2/search?expand=changelog` returns them
(Jira v2 JSON), so the demo goes through the same import path and SQL models as real Jira data.
The data matches `etl/demo/followthrough.demo.toml`:

* Incidents: project OPS, type Incident, severity in `customfield_10100` ("Sev 1".."Sev 4"; about
  1% empty and 1% the unmapped "Critical"), service in `components`, team in `customfield_10200`.
  Open -> Investigating -> (Mitigated) -> Resolved, resolving in hours (Sev 1) to days (Sev 4).
* Services: each owned by one of five teams; a few hot ones take a large share of the incidents,
  a long tail is rarely hit. A bigger organisation runs more of them: 120 services at the default
  400 incidents, over a thousand at 20,000 (see `service_count`).
* Action items: label `postmortem-action` plus `operational`, `strategic` or neither; tied to their
  incident by an "Action item" link (incident outward "has action item" -> item, mirrored on the
  item) or as a Sub-task of it; about 1% tied to nothing. To Do -> In Progress -> (Blocked) ->
  In Review -> Done, or Won't Do. Strategic work stalls for months and often stays open.
* Recurrence: after an incident, a repeat on the same service is scheduled within the recurrence
  window (30 days, as in the demo config), far more likely while one of its strategic items is
  still open. Half the repeats carry an explicit, mirrored "Recurrence" link (earlier incident
  outward "recurs as" -> later one). Teams differ in how often they let strategic work die, and
  open strategic work draws fresh incidents to its service and team, so their services keep
  coming back.

Everything is derived from `random.Random(seed)`: same arguments, same issues, byte for byte.
Issues are streamed; only incidents waiting for their "Recurrence" link (at most one window's
worth) are held back. Constant sub-objects (statuses, users, types, ...) are shared between
issues: treat yielded issues as read-only, or copy before changing them.
"""
from __future__ import annotations

import hashlib
import heapq
import math
import random
from bisect import bisect
from datetime import date, datetime, timezone
from itertools import accumulate
from typing import Iterator

DEMO_AS_OF = datetime(2026, 11, 1, 0, 0, tzinfo=timezone.utc)   # the fixed "now" of the demo

BASE_URL = "https://demo.followthrough.invalid"
HISTORY_DAYS = 730
RECURRENCE_WINDOW_DAYS = 30            # [recurrence].window_days of the demo config

MINUTE = 60_000
HOUR = 3_600_000
DAY = 86_400_000

SEVERITY_FIELD = "customfield_10100"
TEAM_FIELD = "customfield_10200"

# --------------------------------------------------------------------------------------------
# Time: milliseconds since the epoch internally, Jira's text format on the way out.
# --------------------------------------------------------------------------------------------
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DATE_CACHE: dict[int, str] = {}


def _day_text(day: int) -> str:
    text = _DATE_CACHE.get(day)
    if text is None:
        text = _DATE_CACHE[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
    return text


_HH_MM = tuple(f"T{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
_SS_MMM = tuple(f"{s:02d}.{ms:03d}" for s in range(60) for ms in range(1000))


def _fmt(ms: int, off: int, suffix: str) -> str:
    """Jira's `2025-03-04T10:12:00.000+0100` for an instant, in the offset `off` (ms)."""
    day, rem = divmod(ms + off, DAY)
    text = _DATE_CACHE.get(day) or _day_text(day)
    minute, rem = divmod(rem, MINUTE)
    return f"{text}{_HH_MM[minute]}{_SS_MMM[rem]}{suffix}"


def _local_date(ms: int, off: int) -> str:
    return _day_text((ms + off) // DAY)


def _during_work(ms: int, off: int) -> int:
    """Move an instant forward into the actor's working hours (09:00-19:00 local)."""
    hour = ((ms + off) // HOUR) % 24
    if hour < 9:
        return ms + (9 - hour) * HOUR
    if hour >= 19:
        return ms + (33 - hour) * HOUR
    return ms


# --------------------------------------------------------------------------------------------
# Constant sub-objects, built once and shared by every issue.
# --------------------------------------------------------------------------------------------
# Fixed-offset zones only, so the offset a timestamp shows always matches the user's zone.
_ZONES = {
    "Etc/UTC": (0, "+0000"),
    "Africa/Lagos": (60, "+0100"),
    "America/Bogota": (-300, "-0500"),
    "Asia/Kolkata": (330, "+0530"),
    "Asia/Singapore": (480, "+0800"),
}

TEAMS = ("Payments", "Platform", "Discovery", "Identity", "Data")

# The service catalogue: one Jira component per service, each owned by one team. Each team's named
# services come first, busiest first; an organisation's long tail of smaller services follows,
# named from the team's domains and the usual roles of a microservice. The teams take turns down
# the catalogue, so each owns a fair share of its busy head and of its quiet tail.
_TEAM_SERVICES = {
    "Payments": ("checkout", "payments-api", "billing", "fraud-scoring", "ledger", "refunds",
                 "payouts", "invoicing", "tax-calculator", "subscriptions"),
    "Platform": ("notifications", "mobile-gateway", "api-gateway", "message-bus", "feature-flags",
                 "email-relay", "service-mesh", "deploy-pipeline", "secrets-manager", "internal-dns"),
    "Discovery": ("search", "inventory", "recommendations", "catalog", "pricing", "media-cdn",
                  "reviews", "product-feed", "store-locator", "search-indexer"),
    "Identity": ("auth", "user-profile", "sso", "permissions", "session-store", "account-recovery",
                 "mfa", "audit-log", "consent", "oauth-server"),
    "Data": ("data-pipeline", "event-ingest", "warehouse", "reporting", "ml-features",
             "stream-processor", "analytics-api", "data-catalog", "ab-testing", "clickstream"),
}
_TEAM_DOMAINS = {
    "Payments": ("payment", "card", "wallet", "payout", "settlement", "chargeback", "merchant",
                 "currency", "invoice", "billing", "tax", "ledger", "risk", "dispute", "pos", "voucher"),
    "Platform": ("edge", "cluster", "queue", "cache", "config", "secrets", "build", "artifact", "log",
                 "trace", "metrics", "cron", "dns", "proxy", "mail", "push"),
    "Discovery": ("product", "catalog", "search", "price", "offer", "promo", "listing", "review",
                  "image", "seller", "shipping", "availability", "category", "wishlist", "store", "brand"),
    "Identity": ("identity", "login", "token", "oauth", "session", "consent", "profile", "device",
                 "role", "policy", "directory", "password", "verification", "kyc", "audit", "account"),
    "Data": ("event", "etl", "lake", "warehouse", "report", "metric", "feature", "model", "stream",
             "export", "ingest", "schema", "dashboard", "forecast", "attribution", "cohort"),
}
_ROLES = ("api", "service", "worker", "sync", "consumer", "scheduler", "exporter", "importer",
          "adapter", "cache", "router", "gateway", "reconciler", "indexer", "processor", "webhooks",
          "admin", "batch", "notifier", "validator")


def _catalogue() -> tuple[tuple[str, str], ...]:
    order = random.Random("followthrough demo services")     # fixed: the catalogue never changes
    taken = {name for names in _TEAM_SERVICES.values() for name in names}
    per_team = []
    for team in TEAMS:
        tail = [f"{d}-{r}" for d in _TEAM_DOMAINS[team] for r in _ROLES if d != r]
        order.shuffle(tail)
        per_team.append([(name, team) for name in _TEAM_SERVICES[team]]
                        + [(name, team) for name in tail if name not in taken])
    out = []
    for k, row in enumerate(zip(*per_team)):                 # rotate who goes first in each round
        out += row[k % len(row):] + row[:k % len(row)]
    return tuple(out)


_CATALOGUE = _catalogue()
SERVICES = tuple(name for name, _ in _CATALOGUE)               # every service, busiest first
SERVICE_TEAM = dict(_CATALOGUE)
_SERVICE_POS = {s: i for i, s in enumerate(SERVICES)}
_TEAM_POS = {t: i for i, t in enumerate(TEAMS)}
# How many services an organisation with this many incidents in two years runs: SERVICES_AT_DEFAULT
# for the default 400, growing sublinearly with volume (fifty times the incidents, ten times
# the services), never fewer than MIN_SERVICES. With the demo's 30-day recurrence window, fewer
# services would make most incidents "recur" by coincidence alone.
SERVICES_AT_DEFAULT = 120
SERVICE_GROWTH = 0.6
MIN_SERVICES = 12
# How often service i (catalogue order) is hit by a fresh incident: base weight 1 / (i + c)^a.
# The head of the catalogue takes a large share; the long tail is rarely hit.
SERVICE_SKEW = 0.65
SERVICE_SKEW_OFFSET = 8.0
_BLOCK = 32                                                    # services per sampling block


def service_count(incidents: int) -> int:
    """How many services (the first of SERVICES) a demo with this many incidents uses."""
    n = round(SERVICES_AT_DEFAULT * (max(incidents, 1) / 400) ** SERVICE_GROWTH)
    return min(len(SERVICES), max(MIN_SERVICES, n))


def services_for(incidents: int) -> tuple[str, ...]:
    """The services a demo with this many incidents files its incidents on, busiest first."""
    return SERVICES[:service_count(incidents)]


# Open strategic items (created in the last BACKLOG_DAYS) raise the incident rate of their service,
# and of every service of their team: a team that lets strategic work die keeps being paged.
BACKLOG_DAYS = 365
BACKLOG_K = 2.0
TEAM_BACKLOG_K = 3.0
BACKLOG_PRIOR = 6
BACKLOG_PRIOR_OPEN = 3
# Chance that an incident comes back on its service within the recurrence window, by whether one
# of its strategic items is still open then, and the share of those repeats that someone links.
REPEAT_IF_OPEN = 0.25
REPEAT_IF_CLOSED = 0.01
REPEAT_LINKED = 0.5
# Share of each team's strategic items that are never finished: the followthrough culture.
TEAM_ABANDON = {"Payments": 0.13, "Identity": 0.19, "Discovery": 0.29, "Platform": 0.37, "Data": 0.43}

_PEOPLE = {
    "Payments": [("Amara Okafor", "Africa/Lagos"), ("Tomás Silva", "Etc/UTC"),
                 ("Chloe Martin", "Etc/UTC"), ("Kwame Mensah", "Africa/Lagos"),
                 ("Sofia Rossi", "Africa/Lagos"), ("Arjun Mehta", "Asia/Kolkata")],
    "Platform": [("Priya Raman", "Asia/Kolkata"), ("Diego Herrera", "America/Bogota"),
                 ("Hannah Schmidt", "Etc/UTC"), ("Wei Chen", "Asia/Singapore"),
                 ("Lucas Moreau", "Africa/Lagos"), ("Valentina Ruiz", "America/Bogota"),
                 ("Oliver Bennett", "Etc/UTC")],
    "Discovery": [("Mei Lin Tan", "Asia/Singapore"), ("Rahul Iyer", "Asia/Kolkata"),
                  ("Camila Torres", "America/Bogota"), ("Noah Fischer", "Etc/UTC"),
                  ("Aisha Bello", "Africa/Lagos"), ("Daniel Lim", "Asia/Singapore")],
    "Identity": [("Sven Lindqvist", "Etc/UTC"), ("Ananya Das", "Asia/Kolkata"),
                 ("Mateo Gómez", "America/Bogota"), ("Grace Ng", "Asia/Singapore"),
                 ("Elif Kaya", "Africa/Lagos")],
    "Data": [("Kenji Sato", "Asia/Singapore"), ("Laura Castillo", "America/Bogota"),
             ("Ibrahim Sani", "Africa/Lagos"), ("Neha Kulkarni", "Asia/Kolkata"),
             ("Ethan Walsh", "Etc/UTC")],
}


class _User:
    __slots__ = ("ref", "id", "name", "off", "suffix")

    def __init__(self, name: str, zone: str):
        minutes, suffix = _ZONES[zone]
        digest = hashlib.md5(name.encode()).hexdigest()
        self.id = f"5b{digest[:22]}"
        self.name = name
        self.off = minutes * MINUTE
        self.suffix = suffix
        self.ref = {"accountId": self.id, "displayName": name, "active": True, "timeZone": zone,
                    "self": f"{BASE_URL}/rest/api/2/user?accountId={self.id}"}


_TEAM_USERS = {team: tuple(_User(n, z) for n, z in people) for team, people in _PEOPLE.items()}
_ALL_USERS = tuple(u for team in TEAMS for u in _TEAM_USERS[team])


def _status(sid: str, name: str, cat: str) -> dict:
    cat_obj = {"new": {"id": 2, "key": "new", "colorName": "blue-gray", "name": "To Do"},
               "indeterminate": {"id": 4, "key": "indeterminate", "colorName": "yellow",
                                 "name": "In Progress"},
               "done": {"id": 3, "key": "done", "colorName": "green", "name": "Done"}}[cat]
    return {"self": f"{BASE_URL}/rest/api/2/status/{sid}", "id": sid, "name": name,
            "statusCategory": cat_obj}


# Incident workflow
OPEN, INVESTIGATING, MITIGATED, RESOLVED = range(4)
# Action item workflow
TO_DO, IN_PROGRESS, BLOCKED, IN_REVIEW, DONE, WONT_DO = range(6)

_INC_STATUS = (_status("1", "Open", "new"), _status("10001", "Investigating", "indeterminate"),
               _status("10002", "Mitigated", "indeterminate"), _status("5", "Resolved", "done"))
_ITEM_STATUS = (_status("10000", "To Do", "new"), _status("3", "In Progress", "indeterminate"),
                _status("10003", "Blocked", "indeterminate"),
                _status("10004", "In Review", "indeterminate"), _status("10005", "Done", "done"),
                _status("10006", "Won't Do", "done"))


def _transition_items(statuses: tuple) -> dict:
    return {(a, b): {"field": "status", "fieldtype": "jira", "fieldId": "status",
                     "from": fa["id"], "fromString": fa["name"], "to": fb["id"], "toString": fb["name"]}
            for a, fa in enumerate(statuses) for b, fb in enumerate(statuses) if a != b}


_INC_TRANSITION = _transition_items(_INC_STATUS)
_ITEM_TRANSITION = _transition_items(_ITEM_STATUS)

RES_DONE = {"self": f"{BASE_URL}/rest/api/2/resolution/10000", "id": "10000", "name": "Done"}
RES_WONT = {"self": f"{BASE_URL}/rest/api/2/resolution/10001", "id": "10001", "name": "Won't Do"}
_RES_SET_DONE = {"field": "resolution", "fieldtype": "jira", "fieldId": "resolution",
                 "from": None, "fromString": None, "to": "10000", "toString": "Done"}
_RES_SET_WONT = {"field": "resolution", "fieldtype": "jira", "fieldId": "resolution",
                 "from": None, "fromString": None, "to": "10001", "toString": "Won't Do"}
_RES_CLEAR = {"field": "resolution", "fieldtype": "jira", "fieldId": "resolution",
              "from": "10000", "fromString": "Done", "to": None, "toString": None}

PROJECT_OPS = {"self": f"{BASE_URL}/rest/api/2/project/10000", "id": "10000", "key": "OPS",
               "name": "Operations", "projectTypeKey": "software"}
PROJECT_PLAT = {"self": f"{BASE_URL}/rest/api/2/project/10001", "id": "10001", "key": "PLAT",
                "name": "Platform Engineering", "projectTypeKey": "software"}


def _issuetype(tid: str, name: str, subtask: bool) -> dict:
    return {"self": f"{BASE_URL}/rest/api/2/issuetype/{tid}", "id": tid, "name": name,
            "subtask": subtask}


TYPE_INCIDENT = _issuetype("10100", "Incident", False)
TYPE_TASK = _issuetype("10002", "Task", False)
TYPE_STORY = _issuetype("10001", "Story", False)
TYPE_EPIC = _issuetype("10000", "Epic", False)
TYPE_SUBTASK = _issuetype("10003", "Sub-task", True)

_PRIORITIES = tuple({"self": f"{BASE_URL}/rest/api/2/priority/{i}", "id": str(i), "name": n}
                    for i, n in enumerate(("Highest", "High", "Medium", "Low"), start=1))
HIGHEST, HIGH, MEDIUM, LOW = _PRIORITIES

_SEVERITY_VALUES = tuple({"self": f"{BASE_URL}/rest/api/2/customFieldOption/{10101 + i}",
                          "value": v, "id": str(10101 + i)}
                         for i, v in enumerate(("Sev 1", "Sev 2", "Sev 3", "Sev 4", "Critical")))
# Severity: Sev 1..4 about 5/20/45/30 %, 1% empty, 1% the unmapped "Critical".
_SEV_CUM = (0.049, 0.245, 0.686, 0.98, 0.99)           # Sev1, Sev2, Sev3, Sev4, Critical, else none
# Priority roughly follows severity: cumulative weights over Highest, High, Medium, Low.
_PRIO_CUM = ((0.85, 1.0, 1.0, 1.0), (0.15, 0.85, 1.0, 1.0), (0.0, 0.15, 0.85, 1.0),
             (0.0, 0.0, 0.25, 1.0), (0.7, 1.0, 1.0, 1.0), (0.1, 0.4, 0.9, 1.0))
# Median minutes from creation to Resolved, per severity index (5 = no severity).
_TTR_MEDIAN_MIN = (150, 300, 1200, 4320, 150, 600)

_TEAM_VALUES = {t: {"self": f"{BASE_URL}/rest/api/2/customFieldOption/{10201 + i}", "value": t,
                    "id": str(10201 + i)} for i, t in enumerate(TEAMS)}
_COMPONENTS = {s: {"self": f"{BASE_URL}/rest/api/2/component/{10300 + i}", "id": str(10300 + i),
                   "name": s} for i, s in enumerate(SERVICES)}
_ONE_COMPONENT = {s: [c] for s, c in _COMPONENTS.items()}

LINK_ACTION_ITEM = {"id": "10300", "name": "Action item", "inward": "is action item of",
                    "outward": "has action item", "self": f"{BASE_URL}/rest/api/2/issueLinkType/10300"}
LINK_RECURRENCE = {"id": "10301", "name": "Recurrence", "inward": "is a recurrence of",
                   "outward": "recurs as", "self": f"{BASE_URL}/rest/api/2/issueLinkType/10301"}
LINK_BLOCKS = {"id": "10000", "name": "Blocks", "inward": "is blocked by", "outward": "blocks",
               "self": f"{BASE_URL}/rest/api/2/issueLinkType/10000"}

CLASS_OPERATIONAL, CLASS_STRATEGIC, CLASS_UNCLASSIFIED = range(3)
_LABELS_OPERATIONAL = ["postmortem-action", "operational"]
_LABELS_STRATEGIC = ["postmortem-action", "strategic"]
_LABELS_UNCLASSIFIED = ["postmortem-action"]
_LABELS_FOLLOW_UP = ["postmortem-action", "follow-up"]
_INCIDENT_LABELS = (["incident"], ["incident", "customer-impact"], ["incident", "on-call"],
                    ["incident", "customer-impact", "sla-breach"], [])

# --------------------------------------------------------------------------------------------
# Summaries
# --------------------------------------------------------------------------------------------
_SERVICE_TITLE = {"checkout": "Checkout", "payments-api": "Payments API", "search": "Search",
                  "auth": "Auth", "notifications": "Notifications", "inventory": "Inventory",
                  "data-pipeline": "Data pipeline", "mobile-gateway": "Mobile gateway"}
_ACRONYMS = {"api": "API", "sso": "SSO", "mfa": "MFA", "cdn": "CDN", "ml": "ML", "ab": "A/B",
             "dns": "DNS", "etl": "ETL", "kyc": "KYC", "pos": "POS", "oauth": "OAuth"}


def _title(service: str) -> str:
    title = _SERVICE_TITLE.get(service)
    if title is None:
        words = [_ACRONYMS.get(w, w) for w in service.split("-")]
        title = " ".join(words)
        title = title[0].upper() + title[1:]
    return title


_SYMPTOMS_COMMON = ("latency spike", "elevated 5xx error rate", "request timeouts",
                    "partial outage", "full outage", "error budget burn above SLO",
                    "memory leak and pod restarts", "connection pool exhaustion",
                    "degraded performance", "CPU saturation")
_SYMPTOMS = {
    "checkout": ("cart totals miscalculated", "orders stuck in pending", "promo codes rejected"),
    "payments-api": ("card authorisations failing", "duplicate charges", "refunds not processed",
                     "PSP webhook backlog"),
    "search": ("stale search index", "empty result pages", "ranking regression"),
    "auth": ("login failures", "token refresh errors", "SSO redirect loop", "MFA codes not accepted"),
    "notifications": ("push notifications delayed", "password reset emails not sent",
                      "duplicate SMS messages"),
    "inventory": ("stock counts out of sync", "reservations not released", "negative stock levels"),
    "data-pipeline": ("nightly ETL job failed", "Kafka consumer lag", "missing rows in revenue report",
                      "schema change broke ingestion"),
    "mobile-gateway": ("iOS app requests timing out", "Android clients getting 429s",
                       "API version negotiation errors"),
}
# Symptoms for services without their own list: what typically breaks in each team's domain.
_TEAM_SYMPTOMS = {
    "Payments": ("transactions stuck in pending", "duplicate payment events", "settlement file rejected",
                 "currency conversion errors", "payment webhooks failing"),
    "Platform": ("pods crash-looping", "DNS resolution failures", "TLS handshake errors",
                 "queue backlog growing", "nodes running out of disk"),
    "Discovery": ("stale data served from cache", "wrong prices shown", "missing product images",
                  "slow page loads", "results out of date"),
    "Identity": ("users logged out unexpectedly", "permission checks failing", "accounts locked out",
                 "token validation errors", "session store evictions"),
    "Data": ("backfill job failing", "late data in dashboards", "consumer lag",
             "schema mismatch errors", "duplicate rows after replay"),
}
_TRIGGERS = ("after deploy", "during peak traffic", "after config change", "after certificate expiry",
             "after database failover", "during flash sale", "after dependency upgrade",
             "after feature flag rollout", "", "", "")
_OPERATIONAL_TEMPLATES = (
    "Add alert on {s} error rate", "Add circuit breaker to {s} client", "Write runbook for {s} {y}",
    "Increase connection pool size on {s}", "Add dashboard panel for {s} saturation",
    "Tune retry and backoff settings in {s} client", "Roll back and pin {s} dependency version",
    "Add readiness probe to {s}", "Lower alert threshold for {s} latency",
    "Add rate limit for {s} batch jobs", "Fix log noise hiding {s} errors",
    "Add synthetic check for {s}", "Document {s} failover procedure", "Raise memory limit for {s} pods",
    "Add missing index behind {s} {y}", "Rotate {s} certificates with automation")
_STRATEGIC_TEMPLATES = (
    "Re-architect {s} to remove single point of failure", "Migrate {s} to multi-region deployment",
    "Introduce load shedding in {s}", "Replace {s} legacy queue with Kafka",
    "Adopt canary deploys for {s}", "Define and enforce SLOs for {s}",
    "Decouple {s} from shared database", "Capacity model and autoscaling for {s}",
    "Chaos testing programme for {s}", "Rewrite {s} retry semantics end to end",
    "Make {s} writes idempotent", "Move {s} config to reviewed, versioned rollout")
_UNCLASSIFIED_TEMPLATES = (
    "Follow up with vendor about {s} {y}", "Investigate root cause of {s} {y}",
    "Review on-call handover for {s}", "Clean up {s} post-mortem notes",
    "Check whether {s} {y} affects other regions", "Audit {s} access logs")


# Summaries are put together when picked: a large demo's catalogue runs to over a thousand
# services, too many to write out every service's every summary up front.
_TITLES = {s: _title(s) for s in SERVICES}
# A service's symptoms are its own, or else its team's: keyed by service or team name.
_SYMPTOM_KEY = {s: s if s in _SYMPTOMS else SERVICE_TEAM[s] for s in SERVICES}
_INC_SYMPTOMS = {k: _SYMPTOMS_COMMON + syms for k, syms in (*_SYMPTOMS.items(), *_TEAM_SYMPTOMS.items())}
_ITEM_SYMPTOMS = {k: v[len(_SYMPTOMS_COMMON):] + _SYMPTOMS_COMMON[:4] for k, v in _INC_SYMPTOMS.items()}
_TRIGGER_ENDINGS = tuple(dict.fromkeys(f" {t}" if t else "" for t in _TRIGGERS))


def _item_choices(templates: tuple[str, ...], symptoms: int) -> tuple[tuple[str, str, str, int], ...]:
    """Every summary a class of item can have: "{head}{service}{middle}{symptom y}{tail}", or
    without a symptom when y is -1."""
    out = []
    for t in templates:
        head, rest = t.split("{s}")
        if "{y}" in rest:
            middle, tail = rest.split("{y}")
            out += [(head, middle, tail, y) for y in range(symptoms)]
        else:
            out.append((head, rest, "", -1))
    return tuple(out)


_ITEM_CHOICES = {n: tuple(_item_choices(t, n) for t in (_OPERATIONAL_TEMPLATES, _STRATEGIC_TEMPLATES,
                                                         _UNCLASSIFIED_TEMPLATES))
                 for n in {len(v) for v in _ITEM_SYMPTOMS.values()}}


def _incident_summary(rnd, service: str) -> str:
    syms = _INC_SYMPTOMS[_SYMPTOM_KEY[service]]
    return (f"{_TITLES[service]} {syms[int(rnd() * len(syms))]}"
            f"{_TRIGGER_ENDINGS[int(rnd() * len(_TRIGGER_ENDINGS))]}")


def _item_summary(rnd, service: str, cls: int) -> str:
    syms = _ITEM_SYMPTOMS[_SYMPTOM_KEY[service]]
    choices = _ITEM_CHOICES[len(syms)][cls]
    head, middle, tail, y = choices[int(rnd() * len(choices))]
    if y < 0:
        return f"{head}{service}{middle}"
    return f"{head}{service}{middle}{syms[y]}{tail}"


# --------------------------------------------------------------------------------------------
# Action item behaviour per class: lognormal medians (days) and sigmas of each stage.
# --------------------------------------------------------------------------------------------
# Per class: median (days) and sigma of To Do, In Progress; chance and median, sigma of Blocked;
# median, sigma of In Review; chance of Won't Do; chance of never finishing (strategic: per team).
#               todo   sd    prog  sd    blocked p  med  sd    review sd    wont   stuck
_OPERATIONAL = (3.0, 1.0, 7.0, 0.8, 0.08, 6.0, 0.7, 1.0, 0.8, 0.03, 0.065)
_STRATEGIC = (35.0, 1.1, 45.0, 0.9, 0.30, 30.0, 0.9, 4.0, 0.7, 0.07, None)
_UNCLASSIFIED = (6.0, 1.0, 9.0, 0.9, 0.10, 10.0, 0.8, 2.0, 0.8, 0.03, 0.12)


def _in_ms(params: tuple) -> tuple:
    todo, todo_sd, prog, prog_sd, p_blk, blk, blk_sd, rev, rev_sd, wont, stuck = params
    return (todo * DAY, todo_sd, prog * DAY, prog_sd, p_blk, blk * DAY, blk_sd, rev * DAY, rev_sd, wont, stuck)


_CLASS_PARAMS = tuple(_in_ms(p) for p in (_OPERATIONAL, _STRATEGIC, _UNCLASSIFIED))
_ITEM_COUNT_CUM = (0.10, 0.30, 0.60)                   # 2, 3, 4, else 5 items: mean 4.0
_SUBTASK_SHARE = 0.2 / (0.99 * 0.75)                   # of non-strategic tied items -> 20% overall
_HORIZON = 1 << 62                                     # "never"


class _Gen:
    def __init__(self, incidents: int, seed: int, as_of: datetime):
        if as_of.tzinfo is None:
            raise ValueError("as_of must be timezone-aware")
        self.n = incidents
        self.r = random.Random(seed)
        self.as_of = int(as_of.timestamp() * 1000)
        self.start = self.as_of - HISTORY_DAYS * DAY
        self.next_id = 100_000
        self.next_ops = 0
        self.next_plat = 0
        self.next_link = 20_000
        self.next_hist = 500_000
        self.pending: list = []          # heap of scheduled repeats
        # The services this organisation runs, and how likely each is to be hit by a fresh incident:
        # base weight * team factor * service factor, each factor exp(k * share of the last year's
        # strategic items (of the team, of the service) still open). Kept up to date service by
        # service, and sampled team, block of _BLOCK services, service: a catalogue of a thousand
        # services costs no more than one of thirty.
        self.services = services_for(incidents)
        count = len(self.services)
        self.team_of = [_TEAM_POS[SERVICE_TEAM[s]] for s in self.services]
        self.members: list[list[int]] = [[] for _ in TEAMS]      # service indices, per team
        self.slot = [0] * count                                 # a service's place in its team
        for s, t in enumerate(self.team_of):
            self.slot[s] = len(self.members[t])
            self.members[t].append(s)
        self.base = [1.0 / (i + SERVICE_SKEW_OFFSET) ** SERVICE_SKEW for i in range(count)]
        prior = math.exp(BACKLOG_K * BACKLOG_PRIOR_OPEN / BACKLOG_PRIOR)
        self.weights = [[self.base[s] * prior for s in m] for m in self.members]
        self.block_weights = [[sum(w[lo:lo + _BLOCK]) for lo in range(0, len(w), _BLOCK)]
                              for w in self.weights]
        self.team_weight = [sum(b) for b in self.block_weights]
        # Strategic items of the last BACKLOG_DAYS per service and per team, and how many are open.
        self.open_strategic = [0] * count
        self.all_strategic = [0] * count
        self.team_open = [0] * len(TEAMS)
        self.team_all = [0] * len(TEAMS)
        # heap of (time, service index, kind): 0 closed, 1 aged out after closing, 2 aged out open
        self.backlog_expiries: list = []
        self.held: dict[str, tuple] = {}  # incidents waiting for their "recurs as" link
        self.seq = 0

    # -- ids --------------------------------------------------------------------------------
    def _issue_id(self) -> str:
        self.next_id += 1
        return str(self.next_id)

    def _link_id(self) -> str:
        self.next_link += 1
        return str(self.next_link)

    # -- which service a fresh incident hits -----------------------------------------------------
    def _reweigh(self, s: int) -> None:
        t = self.team_of[s]
        weights = self.weights[t]
        i = self.slot[s]
        weights[i] = self.base[s] * math.exp(
            BACKLOG_K * (self.open_strategic[s] + BACKLOG_PRIOR_OPEN) / (self.all_strategic[s] + BACKLOG_PRIOR))
        lo = i - i % _BLOCK
        blocks = self.block_weights[t]
        blocks[i // _BLOCK] = sum(weights[lo:lo + _BLOCK])
        self.team_weight[t] = sum(blocks)

    def _pick_service(self) -> str:
        rnd = self.r.random
        exp = math.exp
        cum = list(accumulate([w * exp(TEAM_BACKLOG_K * (o + BACKLOG_PRIOR_OPEN) / (a + BACKLOG_PRIOR))
                               for w, o, a in zip(self.team_weight, self.team_open, self.team_all)]))
        t = bisect(cum, rnd() * cum[-1], 0, len(cum) - 1)
        cum = list(accumulate(self.block_weights[t]))
        lo = _BLOCK * bisect(cum, rnd() * cum[-1], 0, len(cum) - 1)
        cum = list(accumulate(self.weights[t][lo:lo + _BLOCK]))
        i = lo + bisect(cum, rnd() * cum[-1], 0, len(cum) - 1)
        return self.services[self.members[t][i]]

    # -- histories --------------------------------------------------------------------------
    def _history(self, t: int, user: _User, items: list) -> dict:
        self.next_hist += 1
        return {"id": str(self.next_hist), "author": user.ref,
                "created": _fmt(t, user.off, user.suffix), "items": items}

    # -- the run ----------------------------------------------------------------------------
    def run(self) -> Iterator[dict]:
        r = self.r
        rnd = r.random
        n = self.n
        span = (self.as_of - HOUR) - self.start
        trend = 0.6                       # the last day sees 1.6x the incidents of the first
        half = 1 + trend / 2
        window = RECURRENCE_WINDOW_DAYS * DAY
        pending = self.pending
        open_strategic = self.open_strategic
        all_strategic = self.all_strategic
        expiries = self.backlog_expiries
        team_open = self.team_open
        team_all = self.team_all
        team_of = self.team_of
        reweigh = self._reweigh
        pick_service = self._pick_service
        for i in range(n):
            u = (i + rnd()) / n
            x = (math.sqrt(1 + 2 * trend * u * half) - 1) / trend
            t0 = self.start + int(x * span)
            repeat_of = None
            while pending and pending[0][0] <= t0:
                _, _, service, src_id, src_key, src_t0, linked = heapq.heappop(pending)
                if t0 - src_t0 <= window:
                    repeat_of = (service, src_id, src_key, linked)
                    break
                if linked:                # too late to recur: release the earlier incident
                    yield self._release(src_id, None)
            if repeat_of is None:
                while expiries and expiries[0][0] <= t0:
                    _, s_index, kind = heapq.heappop(expiries)
                    if kind != 1:
                        open_strategic[s_index] -= 1
                        team_open[team_of[s_index]] -= 1
                    if kind != 0:
                        all_strategic[s_index] -= 1
                        team_all[team_of[s_index]] -= 1
                    reweigh(s_index)
                # A fresh incident is likelier on a service that leaves its strategic fixes open.
                service = pick_service()
            else:
                service = repeat_of[0]
            yield from self._incident(t0, service, repeat_of)
        while pending:
            entry = heapq.heappop(pending)
            if entry[6]:
                yield self._release(entry[3], None)

    def _release(self, src_id: str, link: tuple | None) -> dict:
        issue, upd_ms, upd_user = self.held.pop(src_id)
        if link is not None:
            link_entry, t = link
            issue["fields"]["issuelinks"].append(link_entry)
            if t > upd_ms:
                issue["fields"]["updated"] = _fmt(t, upd_user.off, upd_user.suffix)
        return issue

    def _incident(self, t0: int, service: str, repeat_of: tuple | None) -> Iterator[dict]:
        r = self.r
        rnd = r.random
        gauss = r.gauss
        as_of = self.as_of

        # -- what, where, how bad ---------------------------------------------------------------
        team = SERVICE_TEAM[service]
        if rnd() < 0.03:                                  # handled by another team
            team = TEAMS[int(rnd() * 5)]
        x = rnd()
        sev = 0
        while sev < 5 and x >= _SEV_CUM[sev]:
            sev += 1
        severity = _SEVERITY_VALUES[sev] if sev < 5 else None
        x = rnd()
        cum = _PRIO_CUM[sev]
        p = 0
        while x >= cum[p]:
            p += 1
        priority = _PRIORITIES[p]

        members = _TEAM_USERS[team]
        reporter = members[int(rnd() * len(members))]
        commander = members[int(rnd() * len(members))]

        # -- lifecycle --------------------------------------------------------------------------
        ttr = int(_TTR_MEDIAN_MIN[sev] * MINUTE * math.exp(0.9 * gauss(0.0, 1.0))) + 20 * MINUTE
        t_inv = t0 + int(6 * MINUTE * math.exp(0.8 * gauss(0.0, 1.0))) + 30_000
        t_res = max(t0 + ttr, t_inv + 5 * MINUTE)
        steps = [(t_inv, OPEN, INVESTIGATING)]
        if rnd() < 0.85:
            t_mit = t_inv + int((t_res - t_inv) * (0.3 + 0.5 * rnd()))
            steps.append((t_mit, INVESTIGATING, MITIGATED))
            steps.append((t_res, MITIGATED, RESOLVED))
        else:
            steps.append((t_res, INVESTIGATING, RESOLVED))
        if rnd() < 0.015:                                 # came back after being resolved
            t_re = t_res + int(HOUR * (1 + 30 * rnd()))
            t_res2 = t_re + int(ttr * (0.2 + rnd()))
            steps.append((t_re, RESOLVED, INVESTIGATING))
            steps.append((t_res2, INVESTIGATING, RESOLVED))
        handover = None
        if rnd() < 0.15:
            handover = (t_inv + int((t_res - t_inv) * rnd() * 0.6) + 1000,
                        members[int(rnd() * len(members))])

        inc_id = self._issue_id()
        self.next_ops += 1
        inc_key = f"OPS-{self.next_ops}"
        inc_ref = {"id": inc_id, "key": inc_key}

        events = [(t, 0, (a, b)) for t, a, b in steps]
        if handover is not None and handover[1] is not commander:
            events.append((handover[0], 1, handover[1]))
            events.sort()
        status = OPEN
        resolved_at = None
        assignee = commander
        actor = reporter
        last_t = t0
        histories = []
        for t, kind, what in events:
            if t > as_of:
                break
            if kind == 1:
                histories.append(self._history(t, assignee, [_assignee_item(assignee, what)]))
                assignee = what
            else:
                a, b = what
                items = [_INC_TRANSITION[what]]
                if b == RESOLVED:
                    items.append(_RES_SET_DONE)
                    resolved_at = t
                elif a == RESOLVED:
                    items.append(_RES_CLEAR)
                    resolved_at = None
                histories.append(self._history(t, assignee, items))
                status = b
            actor = assignee
            last_t = t
        done = status == RESOLVED
        end_of_incident = resolved_at if done else None

        # -- action items ------------------------------------------------------------------------
        x = rnd()
        count = 2
        while count < 5 and x >= _ITEM_COUNT_CUM[count - 2]:
            count += 1
        pm_base = (end_of_incident if end_of_incident is not None else t0 + ttr) \
            + int(2 * DAY * math.exp(0.7 * gauss(0.0, 1.0)))
        inc_links: list = []
        subtasks: list = []
        items_out: list = []
        strategic_spans = []            # (created, closed) of strategic items, for recurrence
        s_index = _SERVICE_POS[service]
        for _ in range(count):
            item, link_entry, sub_ref, created, closed, cls = self._action_item(
                t0, pm_base, service, team, inc_ref, reporter)
            if link_entry is not None:
                inc_links.append(link_entry)
                last_t = max(last_t, created)
            if sub_ref is not None:
                subtasks.append(sub_ref)
            if cls == CLASS_STRATEGIC:
                strategic_spans.append((created, closed))
                self.open_strategic[s_index] += 1
                self.all_strategic[s_index] += 1
                self.team_open[self.team_of[s_index]] += 1
                self.team_all[self.team_of[s_index]] += 1
                self._reweigh(s_index)
                aged = created + BACKLOG_DAYS * DAY
                if closed < aged:
                    heapq.heappush(self.backlog_expiries, (closed, s_index, 0))
                    heapq.heappush(self.backlog_expiries, (aged, s_index, 1))
                else:
                    heapq.heappush(self.backlog_expiries, (aged, s_index, 2))
            items_out.append(item)
        if count >= 3 and rnd() < 0.04:                   # one item blocks another
            a_item, b_item = items_out[0], items_out[1]
            lid = self._link_id()
            a_item["fields"]["issuelinks"].append(
                {"id": lid, "type": LINK_BLOCKS, "outwardIssue": {"id": b_item["id"], "key": b_item["key"]}})
            b_item["fields"]["issuelinks"].append(
                {"id": lid, "type": LINK_BLOCKS, "inwardIssue": {"id": a_item["id"], "key": a_item["key"]}})

        # -- recurrence ---------------------------------------------------------------------------
        if repeat_of is not None:
            _, src_id, src_key, linked = repeat_of
            if linked:
                lid = self._link_id()
                inc_links.append({"id": lid, "type": LINK_RECURRENCE,
                                  "inwardIssue": {"id": src_id, "key": src_key}})
                out_link = {"id": lid, "type": LINK_RECURRENCE, "outwardIssue": {"id": inc_id, "key": inc_key}}
                last_t = max(last_t, t0 + 10 * MINUTE)
                items_out.append(self._release(src_id, (out_link, t0 + 10 * MINUTE)))
        delay = int((1 + (RECURRENCE_WINDOW_DAYS - 4) * rnd()) * DAY)
        when = t0 + delay
        still_open = False
        for created, closed in strategic_spans:
            if created <= when < closed:
                still_open = True
                break
        p_repeat = REPEAT_IF_OPEN if still_open else REPEAT_IF_CLOSED
        linked = False
        if rnd() < p_repeat and when < as_of:
            linked = rnd() < REPEAT_LINKED
            self.seq += 1
            heapq.heappush(self.pending, (when, self.seq, service, inc_id, inc_key, t0, linked))

        # -- the incident itself --------------------------------------------------------------
        if rnd() < 0.25 and last_t < as_of:               # a later comment or edit
            last_t = min(as_of, last_t + int(DAY * 10 * rnd()))
        upd_user = actor if rnd() < 0.7 else reporter
        if rnd() < 0.02:
            other = self.services[int(rnd() * len(self.services))]
            components = [_COMPONENTS[service], _COMPONENTS[other]]
            if components[1] is components[0]:
                components.pop()
        else:
            components = _ONE_COMPONENT[service]
        fields = {
            "summary": _incident_summary(rnd, service),
            "issuetype": TYPE_INCIDENT,
            "project": PROJECT_OPS,
            "status": _INC_STATUS[status],
            "priority": priority,
            "created": _fmt(t0, reporter.off, reporter.suffix),
            "updated": _fmt(last_t, upd_user.off, upd_user.suffix),
            "resolutiondate": _fmt(resolved_at, actor.off, actor.suffix) if done else None,
            "resolution": RES_DONE if done else None,
            "duedate": None,
            "assignee": assignee.ref,
            "reporter": reporter.ref,
            "labels": _INCIDENT_LABELS[int(rnd() * 5)],
            "components": components,
            SEVERITY_FIELD: severity,
            TEAM_FIELD: _TEAM_VALUES[team],
            "issuelinks": inc_links,
            "subtasks": subtasks,
        }
        issue = {"id": inc_id, "key": inc_key, "self": f"{BASE_URL}/rest/api/2/issue/{inc_id}",
                 "fields": fields,
                 "changelog": {"startAt": 0, "maxResults": len(histories), "total": len(histories),
                               "histories": histories}}
        if linked:
            self.held[inc_id] = (issue, last_t, upd_user)
        else:
            yield issue
        yield from items_out

    def _action_item(self, inc_t0: int, pm_base: int, service: str, team: str, inc_ref: dict,
                     pm_author: _User):
        r = self.r
        rnd = r.random
        gauss = r.gauss
        as_of = self.as_of

        # -- class, type, tie -----------------------------------------------------------------
        x = rnd()
        cls = CLASS_OPERATIONAL if x < 0.65 else CLASS_STRATEGIC if x < 0.90 else CLASS_UNCLASSIFIED
        tie = rnd()
        if tie < 0.01:
            tie = 0                                       # orphan
        elif cls != CLASS_STRATEGIC and rnd() < _SUBTASK_SHARE:
            tie = 2                                       # sub-task of the incident
        else:
            tie = 1                                       # "Action item" link
        if cls == CLASS_STRATEGIC:
            if rnd() < 0.4:
                itype = TYPE_EPIC
                labels = _LABELS_STRATEGIC if rnd() < 0.7 else _LABELS_UNCLASSIFIED
            else:
                itype, labels = TYPE_STORY, _LABELS_STRATEGIC
        elif cls == CLASS_OPERATIONAL:
            itype, labels = TYPE_TASK, _LABELS_OPERATIONAL
        else:
            itype = TYPE_TASK if rnd() < 0.7 else TYPE_STORY
            labels = _LABELS_UNCLASSIFIED if rnd() < 0.8 else _LABELS_FOLLOW_UP
        if tie == 2:
            itype = TYPE_SUBTASK

        # -- where it belongs ------------------------------------------------------------------
        x = rnd()
        item_service, item_team = service, team
        components = _ONE_COMPONENT[service]
        if x < 0.08:                                      # the fix lives in a neighbouring service
            item_service = self.services[int(rnd() * len(self.services))]
            item_team = SERVICE_TEAM[item_service]
            components = _ONE_COMPONENT[item_service]
        elif x < 0.12:
            components = []
        elif x < 0.14:
            item_team = "Platform"
        members = _TEAM_USERS[item_team]

        # -- timeline --------------------------------------------------------------------------
        created = min(pm_base + int(3 * HOUR * rnd()), as_of - int((as_of - inc_t0) * 0.5 * rnd()))
        created = max(created, inc_t0 + MINUTE)
        reporter = pm_author if rnd() < 0.8 else members[int(rnd() * len(members))]
        created = min(_during_work(created, reporter.off), max(as_of - MINUTE, inc_t0 + MINUTE))
        todo_med, todo_sd, prog_med, prog_sd, p_blocked, blk_med, blk_sd, rev_med, rev_sd, p_wont, p_stuck = \
            _CLASS_PARAMS[cls]
        if p_stuck is None:
            p_stuck = TEAM_ABANDON[item_team]

        x = rnd()
        if x < p_stuck:                                    # never finished
            y = rnd()
            stuck_at = TO_DO if y < 0.5 else IN_PROGRESS if y < 0.85 else BLOCKED
        else:
            stuck_at = None
        wont = stuck_at is None and rnd() < p_wont

        # Planned status path as (time, to_status); authorship resolved below. Stage lengths are
        # lognormal: median * exp(sigma * N(0, 1)), plus a minute so nothing takes no time.
        exp = math.exp
        plan = []
        t = created + int(todo_med * exp(todo_sd * gauss(0.0, 1.0))) + MINUTE
        if wont and rnd() < 0.6:
            plan.append((t, WONT_DO))
        elif stuck_at != TO_DO:
            plan.append((t, IN_PROGRESS))
            if stuck_at == BLOCKED or (stuck_at is None and rnd() < p_blocked):
                t += int(0.4 * prog_med * exp(prog_sd * gauss(0.0, 1.0))) + MINUTE
                plan.append((t, BLOCKED))
                if stuck_at is None:
                    t += int(blk_med * exp(blk_sd * gauss(0.0, 1.0))) + MINUTE
                    plan.append((t, IN_PROGRESS))
            if stuck_at is None:
                t += int(prog_med * exp(prog_sd * gauss(0.0, 1.0))) + MINUTE
                if wont:
                    plan.append((t, WONT_DO))
                else:
                    plan.append((t, IN_REVIEW))
                    if rnd() < 0.1:                       # review sends it back
                        t += int(rev_med * exp(rev_sd * gauss(0.0, 1.0))) + MINUTE
                        plan.append((t, IN_PROGRESS))
                        t += int(0.3 * prog_med * exp(prog_sd * gauss(0.0, 1.0))) + MINUTE
                        plan.append((t, IN_REVIEW))
                    t += int(rev_med * exp(rev_sd * gauss(0.0, 1.0))) + MINUTE
                    plan.append((t, DONE))
                    if rnd() < 0.02:                      # reopened
                        t += int(5 * DAY * exp(gauss(0.0, 1.0))) + MINUTE
                        plan.append((t, IN_PROGRESS))
                        t += int(0.4 * prog_med * exp(prog_sd * gauss(0.0, 1.0))) + MINUTE
                        plan.append((t, IN_REVIEW))
                        t += int(rev_med * exp(rev_sd * gauss(0.0, 1.0))) + MINUTE
                        plan.append((t, DONE))

        # -- assignment --------------------------------------------------------------------------
        p_assigned = (0.88, 0.72, 0.7)[cls]
        assignee = members[int(rnd() * len(members))] if rnd() < p_assigned else None
        owner = assignee or members[int(rnd() * len(members))]   # who picks it up when started
        reassign = None
        if rnd() < 0.12:
            horizon = plan[-1][0] if plan else created + 60 * DAY
            reassign = (created + int((horizon - created) * rnd()) + 1000, members[int(rnd() * len(members))])
        elif cls == CLASS_STRATEGIC and stuck_at is not None and rnd() < 0.05:
            reassign = (created + int(60 * DAY * exp(0.8 * gauss(0.0, 1.0))), None)  # owner left

        # -- due date -----------------------------------------------------------------------------
        due_ms = None
        if rnd() < (0.9, 0.8, 0.7)[cls]:
            lo, hi = ((14, 42), (45, 120), (14, 60))[cls]
            due_ms = created + int((lo + (hi - lo) * rnd()) * DAY)
        postpone = None
        if due_ms is not None:
            finish = plan[-1][0] if plan and plan[-1][1] in (DONE, WONT_DO) else _HORIZON
            if finish > due_ms and rnd() < 0.3:
                postpone = (due_ms - int(DAY * 3 * rnd()) - HOUR, due_ms + int((14 + 31 * rnd()) * DAY))

        # -- walk the plan up to as_of, writing histories --------------------------------------
        side = []
        if reassign is not None:
            side.append(reassign + (0,))
        if postpone is not None and postpone[0] > created:
            side.append(postpone + (1,))
        if len(side) == 2 and side[1][0] < side[0][0]:
            side.reverse()
        histories = []
        status = TO_DO
        resolved_at = None
        resolver = reporter
        last_t = created
        last_user = reporter
        stopped = False
        plan.append((as_of + 1, None))                     # sentinel: flush side events
        history = self._history
        for t, to in plan:
            while side and side[0][0] < t:
                when, value, kind = side.pop(0)
                when = max(when, last_t + 1000)
                if when > as_of:
                    side = []
                    break
                who = assignee or reporter
                if kind == 0:
                    if value is assignee:
                        continue
                    histories.append(history(when, who, [_assignee_item(assignee, value)]))
                    assignee = value
                else:
                    histories.append(history(when, who, [_duedate_item(due_ms, value, reporter)]))
                    due_ms = value
                last_t, last_user = when, who
            if to is None or stopped:
                continue
            actor = assignee or owner
            t = _during_work(t, actor.off)
            if t <= last_t:
                t = last_t + MINUTE
            if t > as_of:
                stopped = True
                continue
            items = [_ITEM_TRANSITION[(status, to)]]
            if status == TO_DO and to == IN_PROGRESS and assignee is None:
                items.append(_assignee_item(None, owner))
                assignee = owner
            if to == DONE:
                items.append(_RES_SET_DONE)
                resolved_at, resolver = t, actor
            elif to == WONT_DO:
                items.append(_RES_SET_WONT)
                resolved_at, resolver = t, actor
            elif status == DONE:
                items.append(_RES_CLEAR)
                resolved_at = None
            histories.append(history(t, actor, items))
            status = to
            last_t, last_user = t, actor

        done = status >= DONE
        closed = resolved_at if done else _HORIZON
        if rnd() < 0.3 and last_t < as_of:                # a comment, an edit: not a status change
            last_t = min(as_of, last_t + int(DAY * 20 * rnd()))
            last_user = assignee or reporter

        # -- assemble --------------------------------------------------------------------------
        item_id = self._issue_id()
        if tie == 2:
            self.next_ops += 1
            key = f"OPS-{self.next_ops}"
            project = PROJECT_OPS
        else:
            self.next_plat += 1
            key = f"PLAT-{self.next_plat}"
            project = PROJECT_PLAT
        x = rnd()
        priority = HIGH if x < 0.25 else MEDIUM if x < 0.85 else LOW
        fields = {
            "summary": _item_summary(rnd, item_service, cls),
            "issuetype": itype,
            "project": project,
            "status": _ITEM_STATUS[status],
            "priority": priority,
            "created": _fmt(created, reporter.off, reporter.suffix),
            "updated": _fmt(last_t, last_user.off, last_user.suffix),
            "resolutiondate": _fmt(resolved_at, resolver.off, resolver.suffix) if done else None,
            "resolution": (RES_WONT if status == WONT_DO else RES_DONE) if done else None,
            "duedate": _local_date(due_ms, reporter.off) if due_ms is not None else None,
            "assignee": assignee.ref if assignee is not None else None,
            "reporter": reporter.ref,
            "labels": labels,
            "components": components,
            TEAM_FIELD: _TEAM_VALUES[item_team],
            "issuelinks": [],
        }
        link_entry = None
        sub_ref = None
        item_ref = {"id": item_id, "key": key}
        if tie == 1:
            lid = self._link_id()
            fields["issuelinks"].append({"id": lid, "type": LINK_ACTION_ITEM, "inwardIssue": inc_ref})
            link_entry = {"id": lid, "type": LINK_ACTION_ITEM, "outwardIssue": item_ref}
        elif tie == 2:
            fields["parent"] = inc_ref
            sub_ref = item_ref
        issue = {"id": item_id, "key": key, "self": f"{BASE_URL}/rest/api/2/issue/{item_id}",
                 "fields": fields,
                 "changelog": {"startAt": 0, "maxResults": len(histories), "total": len(histories),
                               "histories": histories}}
        return issue, link_entry, sub_ref, created, closed, cls


def _duedate_item(old_ms: int, new_ms: int, who: _User) -> dict:
    old = _local_date(old_ms, who.off)
    new = _local_date(new_ms, who.off)
    return {"field": "duedate", "fieldtype": "jira", "fieldId": "duedate",
            "from": old, "fromString": f"{old} 00:00:00.0", "to": new, "toString": f"{new} 00:00:00.0"}


def _assignee_item(old: _User | None, new: _User | None) -> dict:
    return {"field": "assignee", "fieldtype": "jira", "fieldId": "assignee",
            "from": old.id if old else None, "fromString": old.name if old else None,
            "to": new.id if new else None, "toString": new.name if new else None}


def generate(incidents: int = 400, seed: int = 7, as_of: datetime = DEMO_AS_OF) -> Iterator[dict]:
    """Yields issue dicts (incidents and their action items), each JSON-serialisable."""
    if incidents < 0:
        raise ValueError("incidents must not be negative")
    return _Gen(incidents, seed, as_of).run()
