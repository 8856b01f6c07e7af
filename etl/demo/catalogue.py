"""Who and what the demo organisation is: its teams, their people and the services they run.

Names only; how they look in Jira is `jira.py`'s business.
"""
from __future__ import annotations

import random

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


def _services_and_owners() -> tuple[tuple[str, str], ...]:
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


_SERVICES_AND_OWNERS = _services_and_owners()
SERVICES = tuple(name for name, _ in _SERVICES_AND_OWNERS)      # every service, busiest first
SERVICE_TEAM = dict(_SERVICES_AND_OWNERS)

# How many services an organisation with this many incidents in two years runs: SERVICES_AT_DEFAULT
# for the default 400, growing sublinearly with volume (fifty times the incidents, ten times
# the services), never fewer than MIN_SERVICES. With the demo's 30-day recurrence window, fewer
# services would make most incidents "recur" by coincidence alone.
SERVICES_AT_DEFAULT = 120
SERVICE_GROWTH = 0.6
MIN_SERVICES = 12


def service_count(incidents: int) -> int:
    """How many services (the first of SERVICES) a demo with this many incidents uses."""
    n = round(SERVICES_AT_DEFAULT * (max(incidents, 1) / 400) ** SERVICE_GROWTH)
    return min(len(SERVICES), max(MIN_SERVICES, n))


def services_for(incidents: int) -> tuple[str, ...]:
    """The services a demo with this many incidents files its incidents on, busiest first."""
    return SERVICES[:service_count(incidents)]


# Each team's people and their home zones, which set the offset of every timestamp they write.
PEOPLE = {
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

