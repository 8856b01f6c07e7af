"""Which Jira we are talking to: Cloud or Data Center, its clock, and the API user's time zone.

The flavour comes from serverInfo's deploymentType, never from the host name: Cloud sites can have
custom domains and Data Center can live anywhere. serverInfo is asked anonymously first because
both flavours usually answer it without credentials, which tells us which credentials to use.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jira import JIRA
from requests.adapters import DEFAULT_POOLSIZE, HTTPAdapter

from etl.config import site_url_problem
from etl.errors import UserError
from etl.jira.credentials import Credentials
from etl.jira.http import JiraHttp, JiraProblem, RetryPolicy
from etl.jira.limiter import Limiter

log = logging.getLogger("etl.jira")

CLOUD_NAMES = "JIRA_EMAIL and JIRA_API_TOKEN"
DATACENTER_NAMES = "JIRA_PAT"


@dataclass(frozen=True)
class Site:
    url: str
    flavour: str            # "cloud" or "datacenter"
    client: JIRA
    http: JiraHttp
    server_time: datetime   # aware; a watermark from Jira's clock is immune to ours being off
    zone: ZoneInfo          # JQL dates are read in the API user's time zone, not UTC


def connect(url: str, credentials: Credentials, policy: RetryPolicy, concurrency: int = 1) -> Site:
    """`concurrency`: how many requests the site's threads may have in flight at once."""
    _check_url(url)
    credentials.register()
    info = _server_info(url, credentials, policy)
    flavour = "cloud" if info.get("deploymentType") == "Cloud" else "datacenter"
    if flavour == "cloud":
        if not credentials.basic:
            raise UserError(f"{url} is Jira Cloud: set JIRA_EMAIL and JIRA_API_TOKEN (an API token from "
                            "id.atlassian.com; JIRA_PAT is for Data Center)")
        client, names = _client(url, policy, basic_auth=credentials.basic), CLOUD_NAMES
    else:
        if not credentials.pat:
            raise UserError(f"{url} is Jira Data Center: set JIRA_PAT to a personal access token "
                            "(JIRA_EMAIL and JIRA_API_TOKEN are for Cloud)")
        client, names = _client(url, policy, token_auth=credentials.pat), DATACENTER_NAMES
    # requests keeps ten connections per host; more threads than that would open and drop extras.
    adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(DEFAULT_POOLSIZE, concurrency))
    for prefix in ("http://", "https://"):
        client._session.mount(prefix, adapter)
    http = JiraHttp(client._session, url, policy, names, Limiter(concurrency))
    me = http.library(client.myself, what="your Jira profile", where="GET /rest/api/2/myself")
    return Site(url=url, flavour=flavour, client=client, http=http,
                server_time=_server_time(info.get("serverTime")), zone=_zone(me.get("timeZone")))


def _check_url(url: str) -> None:
    if not url:
        raise UserError("[jira].url is not set in the configuration: set it to your site, "
                        "e.g. https://your-company.atlassian.net")
    if problem := site_url_problem(url):
        raise UserError(problem)


def _server_info(url: str, credentials: Credentials, policy: RetryPolicy) -> dict:
    anonymous = _client(url, policy)
    http = JiraHttp(anonymous._session, url, policy, f"{CLOUD_NAMES} (Cloud) or {DATACENTER_NAMES} (Data Center)")
    ask = {"what": "server information", "where": "GET /rest/api/2/serverInfo"}
    try:
        return http.library(anonymous.server_info, **ask)
    except JiraProblem as problem:
        if problem.status not in (401, 403) or not (credentials.pat or credentials.basic):
            raise
    # A site that hides serverInfo from anonymous users: whichever credentials we have decide.
    if credentials.pat:
        client, names = _client(url, policy, token_auth=credentials.pat), DATACENTER_NAMES
    else:
        client, names = _client(url, policy, basic_auth=credentials.basic), CLOUD_NAMES
    return JiraHttp(client._session, url, policy, names).library(client.server_info, **ask)


def _client(url: str, policy: RetryPolicy, **auth) -> JIRA:
    return JIRA(server=url, get_server_info=False, max_retries=0, timeout=policy.timeout,
                logging=False, **auth)


def _server_time(text: str | None) -> datetime:
    if text:
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            log.warning("Jira's serverTime %r is not a timestamp; using this machine's clock", text)
    return datetime.now(timezone.utc)


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        log.warning("Jira reports the time zone %r, which this machine does not know; using UTC", name)
        return ZoneInfo("UTC")
