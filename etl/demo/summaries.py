"""Issue summaries: an incident's symptom on its service, an action item's fix for it.

Put together when picked: a large demo's catalogue runs to over a thousand services, too many
to write out every service's every summary up front.
"""
from __future__ import annotations

from etl.demo.catalogue import SERVICE_TEAM, SERVICES
from etl.demo.draws import pick

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

_TITLES = {s: _title(s) for s in SERVICES}
# A service's symptoms are its own, or else its team's: keyed by service or team name.
_SYMPTOM_KEY = {s: s if s in _SYMPTOMS else SERVICE_TEAM[s] for s in SERVICES}
_INC_SYMPTOMS = {k: _SYMPTOMS_COMMON + syms for k, syms in (*_SYMPTOMS.items(), *_TEAM_SYMPTOMS.items())}
_ITEM_SYMPTOMS = {k: v[len(_SYMPTOMS_COMMON):] + _SYMPTOMS_COMMON[:4] for k, v in _INC_SYMPTOMS.items()}
_TRIGGER_ENDINGS = tuple(dict.fromkeys(f" {t}" if t else "" for t in _TRIGGERS))


def incident_summary(rnd, service: str) -> str:
    symptoms = _INC_SYMPTOMS[_SYMPTOM_KEY[service]]
    return f"{_TITLES[service]} {pick(rnd, symptoms)}{pick(rnd, _TRIGGER_ENDINGS)}"


_AGAIN = (" again", " again, second time this month", " (recurring)", " again after the fix", " - same as last time")


def repeat_summary(rnd, earlier: str) -> str:
    """A repeat written by someone who recognised it: the earlier incident's symptom, in other words
    around it, which is what similar_summary evidence has to find."""
    symptom = next((earlier.removesuffix(t) for t in _TRIGGER_ENDINGS if t and earlier.endswith(t)), earlier)
    return f"{symptom}{pick(rnd, _AGAIN)}"


# Root causes a post-mortem records as a label, specific to a service's failure mode: a generic
# cause ("bad deploy") would tie every incident to the last one that had it.
_FAILURE_MODES = ("cert-expiry", "pool-exhaustion", "retry-storm", "schema-migration", "cache-stampede",
                  "disk-full", "dns-ttl", "flag-misconfig", "queue-backlog", "memory-leak")


def cause_label(rnd, service: str) -> str:
    return f"cause-{service}-{pick(rnd, _FAILURE_MODES)}"


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


class ItemSummaries:
    """The summaries of one class of action item. Every pairing of a template and a symptom is as
    likely, so a template that names a symptom weighs more; the pairings are laid out once for
    each number of symptoms a service can have."""

    def __init__(self, templates: tuple[str, ...]):
        self._choices = {n: _item_choices(templates, n) for n in {len(v) for v in _ITEM_SYMPTOMS.values()}}

    def pick(self, rnd, service: str) -> str:
        symptoms = _ITEM_SYMPTOMS[_SYMPTOM_KEY[service]]
        head, middle, tail, y = pick(rnd, self._choices[len(symptoms)])
        if y < 0:
            return f"{head}{service}{middle}"
        return f"{head}{service}{middle}{symptoms[y]}{tail}"


OPERATIONAL_SUMMARIES = ItemSummaries(_OPERATIONAL_TEMPLATES)
STRATEGIC_SUMMARIES = ItemSummaries(_STRATEGIC_TEMPLATES)
UNCLASSIFIED_SUMMARIES = ItemSummaries(_UNCLASSIFIED_TEMPLATES)
