"""What each flavour of Jira is asked, as data (in the manner of dlt's Jira source).

Cloud retired /rest/api/{2,3}/search (410 Gone): issues come from /search/jql, paged by token,
and its inline changelog stops at 40 histories, so longer ones come from the bulk changelog
endpoint. Data Center pages /rest/api/2/search by offset and refuses offsets past 10,000, so the
listing moves to a new `created` window before that depth (see `listing`).
"""
from __future__ import annotations

from etl.jira.paging import Endpoint

CLOUD = {
    "issues": Endpoint("POST", "/rest/api/3/search/jql", "issues", "token", 100, "the issue search",
                       {"expand": "changelog"}),
    # Cloud allows 5,000 a page when nothing but keys is asked for.
    "keys": Endpoint("POST", "/rest/api/3/search/jql", "issues", "token", 5000, "the issue key listing",
                     {"fields": ["key"]}),
    "bulk_changelogs": Endpoint("POST", "/rest/api/3/changelog/bulkfetch", "issueChangeLogs", "token",
                                1000, "the bulk changelog fetch"),
    "changelog": Endpoint("GET", "/rest/api/3/issue/{key}/changelog", "values", "offset", 100,
                          "the changelog of {key}"),
}

DATACENTER = {
    "issues": Endpoint("POST", "/rest/api/2/search", "issues", "offset", 100, "the issue search",
                       {"expand": ["changelog"]}, offset_limit=10_000),
    # `created` too: a new window starts at the last one seen.
    "keys": Endpoint("POST", "/rest/api/2/search", "issues", "offset", 1000, "the issue key listing",
                     {"fields": ["key", "created"]}, offset_limit=10_000),
    "changelog": Endpoint("GET", "/rest/api/2/issue/{key}/changelog", "values", "offset", 100,
                          "the changelog of {key}"),
}

# How many issues a query matches, for the progress bar: Cloud has a cheap estimate, Data Center
# a search that asks for no issues.
COUNTS = {
    "cloud": ("/rest/api/3/search/approximate-count", {}, "count"),
    "datacenter": ("/rest/api/2/search", {"maxResults": 0, "fields": ["key"]}, "total"),
}


def endpoints_for(flavour: str) -> dict[str, Endpoint]:
    return dict(CLOUD if flavour == "cloud" else DATACENTER)
