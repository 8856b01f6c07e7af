"""Every configuration key, defined once: its section, default, help text and checks.

`etl.config` reads and checks a file against these definitions, builds the `Config` the code uses
and the `config.settings` row the SQL models read; `followthrough.example.toml` is written from
them (a test keeps the file in step). A new key is one `Key` here and its use.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlsplit

SEVERITIES = ("SEV-1", "SEV-2", "SEV-3", "SEV-4")
ITEM_CLASSES = ("strategic", "operational", "unclassified")
STATUS_CATEGORIES = ("new", "indeterminate", "done")
# Day counts past ten years are a typo, and keep every sum of days well inside a 32-bit integer.
MAX_DAYS = 3650


@dataclass(frozen=True)
class Key:
    name: str
    default: object          # its type is the key's: str, int, bool, or tuple (a list of strings)
    help: str
    example: object = None   # what followthrough.example.toml shows, when not the default
    low: int | None = None   # whole numbers: the allowed range, inclusive
    high: int | None = None
    unit: str = ""           # "days", "minutes": said in a range error
    field_spec: bool = False  # a Jira field: priority, components, labels:<prefix>, an id or a name
    check: Callable[[object], str | None] | None = None  # further problem with a value, or None
    column: str = ""         # its config.settings column when not <section>_<name>

    @property
    def kind(self) -> type:
        return type(self.default)


@dataclass(frozen=True)
class Section:
    name: str
    help: str
    keys: tuple[Key, ...] = ()
    # A free-form map (raw Jira value -> one of these) instead of fixed keys.
    map_values: tuple[str, ...] = ()
    map_example: tuple[tuple[str, str], ...] = ()
    map_hint: str = ""       # a commented example line for an empty map

    @property
    def is_map(self) -> bool:
        return bool(self.map_values)


def site_url_problem(url: str) -> str | None:
    """Why [jira].url cannot be the site's address, or None. Checked when the configuration is read,
    because CSV-imported issues link to it as well as sync fetching from it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"[jira].url {url!r} is not a web address: use e.g. https://your-company.atlassian.net"
    if parts.username or parts.password:
        return ("[jira].url must not contain credentials: put them in JIRA_EMAIL and "
                "JIRA_API_TOKEN, or JIRA_PAT, in the environment or .env")
    return None


EVIDENCE = ("link", "same_cause", "similar_summary", "same_service")


def _subset_problem(where: str, values: list[str], allowed: tuple[str, ...]) -> str | None:
    unknown = [v for v in values if v not in allowed]
    return f"{where} has {', '.join(map(repr, unknown))}; use {', '.join(allowed)}" if unknown else None


def _days(name: str, default: int, help: str) -> Key:
    return Key(name, default, help, low=1, high=MAX_DAYS, unit="days")


SECTIONS: tuple[Section, ...] = (
    Section("jira", "", (
        Key("url", "", "Your site. Cloud or Data Center is detected from /rest/api/2/serverInfo, not from this URL.\n"
                       "Issues from a CSV export link here too: an export does not name its site.",
            example="https://your-company.atlassian.net", column="site_url", check=site_url_problem),
        Key("incident_jql", "", "What `sync` fetches: the union of both queries. Keep them bounded (a project, a type).",
            example="project = OPS AND issuetype = Incident"),
        Key("action_item_jql", "", "", example="project in (OPS, PLAT) AND labels = postmortem-action"),
        Key("overlap_minutes", 10, "Incremental syncs re-read this many minutes before the last watermark: Jira's search is\n"
                                   "eventually consistent, and an overlap costs little because known versions are skipped.",
            low=0, high=7 * 24 * 60, unit="minutes"),
        Key("give_up_after_seconds", 60, "How long a sync keeps retrying a site that does not answer, refuses connections or\n"
                                         "keeps failing, before it stops with one line saying why.",
            low=1, high=24 * 3600, unit="seconds"),
        Key("concurrency", 4, "Requests a sync keeps in flight at once. Jira Cloud limits each site's requests per second\n"
                              "per endpoint, shared with every other user and app on it; four at a time stay well inside\n"
                              "that while the round trips to a distant site overlap. A 429 pauses them all. Raise it for\n"
                              "a Data Center site only if its admins agree; 1 fetches one request at a time.",
            low=1, high=32),
    )),
    Section("incidents", "Which issues are incidents. Within a list any value matches; across lists all non-empty lists\n"
                         "must match. These rules classify every issue, from sync, JSON or CSV alike.", (
        Key("projects", (), "", example=("OPS",)),
        Key("issue_types", (), "", example=("Incident",)),
        Key("labels", (), ""),
    )),
    Section("action_items", "Which issues are post-mortem action items (an issue that is also an incident stays an incident).", (
        Key("projects", (), ""),
        Key("issue_types", (), ""),
        Key("labels", (), "", example=("postmortem-action",)),
        Key("link_types", (), "How an action item is tied to its incident. Link types match by name, inward or outward name,\n"
                              "in either direction. With several candidates the earliest incident wins: it is the one whose\n"
                              "post-mortem filed the item.", example=("Relates", "Action item")),
        Key("parent", True, "A sub-task (or child issue) of an incident belongs to it.", column="tie_by_parent"),
        Key("epic_link_field", "", 'Classic "Epic Link" custom field, if your site still uses one (company-managed projects).',
            example="customfield_10014", field_spec=True),
        Key("dropped_resolutions", ("Won't Do", "Won't Fix", "Duplicate", "Cannot Reproduce", "Declined", "Obsolete"),
            "An item closed with one of these resolutions (or, without a resolution, in one of these\n"
            "statuses) was dropped, not done: a decision, counted apart from follow-through."),
    )),
    Section("fields", "Where each dimension comes from: \"priority\", \"components\", \"labels:<prefix>\" (the label after\n"
                      "the prefix, e.g. labels:service- turns service-checkout into checkout) or a field id such as\n"
                      "\"customfield_10050\" (select lists, text, user and multi-value fields are understood). CSV\n"
                      "exports carry field names, not ids: for data imported from CSV give the name (\"Severity\").\n"
                      "`python -m etl fields` lists your site's field ids and suggests candidates.", (
        Key("severity", "priority", "", field_spec=True),
        Key("service", "components", "", field_spec=True),
        Key("team", "", "", example="labels:team-", field_spec=True),
    )),
    Section("severity_map", "Raw severity values (as Jira shows them) to SEV-1..SEV-4. Unmapped values show up on the\n"
                            "Data health page, never as a guessed severity.",
            map_values=SEVERITIES,
            map_example=(("Highest", "SEV-1"), ("High", "SEV-2"), ("Medium", "SEV-3"), ("Low", "SEV-4"),
                         ("Lowest", "SEV-4"))),
    Section("classification", "Strategic items need weeks and an owner with a mandate; operational ones are on-call fixes.\n"
                              "An item that matches neither is \"unclassified\": it is counted as such, never guessed.\n"
                              "If it matches both, strategic wins.", (
        Key("strategic_labels", (), "", example=("strategic",)),
        Key("operational_labels", (), "", example=("operational",)),
        Key("strategic_issue_types", (), "", example=("Epic",)),
        Key("operational_issue_types", (), ""),
        Key("field", "", "A select field that holds the class, and which of its values mean what.", field_spec=True),
        Key("strategic_values", (), ""),
        Key("operational_values", (), ""),
    )),
    Section("stall_days", "An open item is stalled when its status has not changed for longer than this, or it was never\n"
                          "started and is older than this.", (
        _days("strategic", 30, ""),
        _days("operational", 14, ""),
        _days("unclassified", 21, ""),
    )),
    Section("recurrence", "An incident returns when a later one comes within the window with evidence that ties the two.\n"
                          "The strongest evidence that applies is kept: link (linked with one of link_types), same_cause\n"
                          "(both have the same value of cause_field), similar_summary (same service, summaries at least\n"
                          "summary_similarity alike), or same_service (same service, nothing else).", (
        _days("window_days", 90, ""),
        Key("link_types", (), "", example=("Duplicate", "Recurrence")),
        Key("cause_field", "", "Where an incident's root cause is recorded, as for [fields]: e.g. \"labels:cause-\" or a\n"
                               "custom select such as \"customfield_10060\". Empty: no same_cause evidence.",
            field_spec=True),
        Key("summary_similarity", 80, "How alike two summaries must be (0-100, rapidfuzz token_set_ratio on lower-cased\n"
                                      "summaries without ticket keys and numbers) for similar_summary. See docs/metrics.md.",
            low=1, high=100, unit="points"),
        Key("counts_as_repeat", ("link", "same_cause", "similar_summary"),
            "Which evidence makes a return count as a repeat in the recurrence rate and every \"repeat\"\n"
            "figure. Returns with same_service only are shown apart, as \"back on the same service\".",
            check=lambda values: _subset_problem("[recurrence].counts_as_repeat", values, EVIDENCE)),
    )),
    Section("status_categories", "Status categories are read from Jira (new / indeterminate / done). Only statuses that are no\n"
                                 "longer on any issue need a category here, so that old changelog entries can be placed.",
            map_values=STATUS_CATEGORIES, map_hint='"Awaiting Fix" = "indeterminate"'),
    Section("access", "Who may open the dashboard once sign-in is configured ([auth] in .streamlit/secrets.toml): these\n"
                      "e-mail addresses, and everyone whose verified address is at one of these domains. With sign-in\n"
                      "configured and both lists empty, no one is let in. Takes effect at the next publish.", (
        Key("emails", (), "", example=()),
        Key("domains", (), "", example=()),
    )),
)

BY_NAME = {section.name: section for section in SECTIONS}


def _target(cls: str, severity: int, default: int, help: str = "") -> Key:
    return _days(f"{cls}_sev{severity}", default, help)


def _weight(name: str, default: int, help: str = "") -> Key:
    return Key(name, default, help, low=0, high=1000, unit="points")


# Issue 13: targets, accountability and the digest. Appended so the sections above keep their order.
SECTIONS += (
    Section("targets", "Days an action item has to be done in, counted from its filing, by class and by its incident's\n"
                       "severity. The defaults follow published practice: GitLab's corrective actions within 7, 30, 60\n"
                       "and 90 days for S1-S4 (operational and unclassified items), Atlassian's priority actions within\n"
                       "4 or 8 weeks (strategic SEV-1 and SEV-2; SEV-3 and SEV-4 take GitLab's 60 and 90 days). An item\n"
                       "whose incident has no severity has no target: it is counted as such, never given one.", (
        _target("strategic", 1, 28), _target("strategic", 2, 56), _target("strategic", 3, 60), _target("strategic", 4, 90),
        _target("operational", 1, 7), _target("operational", 2, 30), _target("operational", 3, 60),
        _target("operational", 4, 90),
        _target("unclassified", 1, 7), _target("unclassified", 2, 30), _target("unclassified", 3, 60),
        _target("unclassified", 4, 90),
        _days("near_days", 7, "An open item whose target is at most this many days away is near its target: its owner is\n"
                              "nudged before it passes."),
    )),
    Section("cost_of_delay", "What the incidents on a stalled item's service since it was filed weigh. Without impact_field\n"
                             "each incident counts its severity's weight; with it, the impact it records is summed instead\n"
                             "and named by impact_unit.", (
        _weight("sev1_weight", 8, "Each severity twice the next, so one SEV-1 weighs as much as eight SEV-4s."),
        _weight("sev2_weight", 4), _weight("sev3_weight", 2), _weight("sev4_weight", 1),
        _weight("no_severity_weight", 1, "An incident without a severity still happened: it weighs this much."),
        Key("impact_field", "", "A numeric custom field of the incident holding its customer impact, as for [fields].",
            example="", field_spec=True),
        Key("impact_unit", "minutes of downtime", "What impact_field counts, as the dashboard names it (\"customers affected\")."),
    )),
    Section("risk", "Where a strategic item states its risk (\"if we do not fix this, we lose 30% of transactions\").\n"
                    "A custom field as for [fields], or \"description\" to read the section of the description that\n"
                    "starts with a line labelled `section` (Risk:, h3. Risk, ## Risk, *Risk*). Empty: not checked.", (
        Key("field", "", "", example="description", field_spec=True),
        Key("section", "Risk", "", check=lambda v: "section must not contain a backslash" if "\\" in v else None),
    )),
    Section("handover", "A strategic item must pass from on-call to someone with the mandate to put it on a roadmap.", (
        _days("days", 14, "Open strategic items still with the incident's assignee, or with nobody, this many days after\n"
                          "filing are flagged \"not handed over\"."),
    )),
    Section("postmortem", "Incidents that need a post-mortem and got no action item from it.", (
        Key("severities", ("SEV-1", "SEV-2"), "",
            check=lambda values: _subset_problem("[postmortem].severities", values, SEVERITIES)),
        _days("days", 7, "Resolved more than this many days ago with no action item: a post-mortem gap."),
    )),
    Section("digest", "`python -m etl digest` sends each team its breached and near-target items, newly stalled\n"
                      "strategic items, items not handed over and post-mortem gaps. Where it is delivered is set in\n"
                      "the environment (or .streamlit/secrets.toml), never here: FOLLOWTHROUGH_SLACK_WEBHOOK, and\n"
                      "FOLLOWTHROUGH_SMTP_HOST, _PORT, _USER, _PASSWORD, _FROM, _TO.", (
        Key("attempts", 3, "How often a delivery is tried before it is reported as failed.", low=1, high=10,
            unit="attempts"),
        _days("new_stall_days", 7, "A team's first digest names the strategic items that stalled in this many days before\n"
                                   "the as-of time; later ones, those that stalled since the previous digest."),
    )),
)
BY_NAME = {section.name: section for section in SECTIONS}
