"""A fake Jira site on 127.0.0.1 that speaks the documented protocol of both flavours.

Cloud: /rest/api/3/search/jql paged by nextPageToken, changelogs inlined up to 40 histories with
the rest behind /rest/api/3/changelog/bulkfetch (epoch-millisecond `created`) and
/rest/api/3/issue/{key}/changelog; the retired /rest/api/{2,3}/search answers 410 Gone.
Data Center: /rest/api/2/search paged by startAt, refusing to page deeper than `offset_limit`.
Both: serverInfo (anonymous allowed unless told otherwise), myself with the user's time zone, the
field list, basic auth (Cloud) or a bearer token (Data Center) with 401 for anything else,
injectable faults (statuses with headers, slow answers, bodies that are not JSON), a round trip
added to every answer, and a count of the requests answered at once.

Each issue is serialised field by field once, so a page is string joins: fast enough to serve
100,000 issues to a benchmark without the fake being what is measured.
"""
from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

from .dataset import ACTION_ITEM_JQL, FIELD_LIST, INCIDENT_JQL, history, jira_time
from .jql import ORDER, JqlError, parse

EXPIRED = "The provided next page token is invalid or expired."


@dataclass
class Fault:
    """What to answer instead: a status with headers and body, or (status 200, no body) a slow answer."""
    status: int = 200
    headers: dict = field(default_factory=dict)
    body: str | None = None
    delay: float = 0.0


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    args: dict
    authorization: str | None
    at: float


class _Issue:
    __slots__ = ("id", "key", "fields", "histories", "order", "created", "updated", "fragments",
                 "history_texts", "_bulk_texts")

    def __init__(self, raw: dict):
        self.id, self.key = raw["id"], raw["key"]
        self.fields = dict(raw["fields"])
        self.histories = list((raw.get("changelog") or {}).get("histories") or [])
        self.refresh()

    def refresh(self) -> None:
        project, _, number = self.key.partition("-")
        self.created = _parse_time(self.fields["created"])
        self.updated = _parse_time(self.fields["updated"])
        self.order = (self.created, project, int(number))
        self.fragments = {name: json.dumps(value) for name, value in self.fields.items()}
        self.history_texts = [json.dumps(h) for h in self.histories]
        self._bulk_texts = None

    def text(self, site: str, api: str, fields: list[str], changelog_cap: int | None) -> str:
        body = ",".join(f'"{n}":{self.fragments[n]}' for n in fields if n in self.fragments)
        changelog = ""
        if changelog_cap != 0:
            total = len(self.history_texts)
            shown = self.history_texts[-changelog_cap:] if changelog_cap and total > changelog_cap else self.history_texts
            changelog = (f',"changelog":{{"startAt":0,"maxResults":{len(shown)},"total":{total},'
                         f'"histories":[{",".join(shown)}]}}')
        return (f'{{"expand":"operations,editmeta,changelog,renderedFields","id":"{self.id}",'
                f'"self":"{site}/rest/api/{api}/issue/{self.id}","key":"{self.key}","fields":{{{body}}}{changelog}}}')

    def bulk_text(self, n: int) -> str:
        """Bulkfetch gives `created` as epoch milliseconds."""
        if self._bulk_texts is None:
            self._bulk_texts = [json.dumps({**h, "created": int(_parse_time(h["created"]).timestamp() * 1000)})
                                for h in self.histories]
        return self._bulk_texts[n]


class FakeJira:
    def __init__(self, issues: list[dict], *, flavour: str = "cloud", email: str = "sre@example.com",
                 api_token: str = "cloud-api-token-0001", pat: str = "datacenter-pat-0001",
                 incident_jql: str = INCIDENT_JQL, action_item_jql: str = ACTION_ITEM_JQL,
                 time_zone: str = "UTC", changelog_cap: int | None = None, offset_limit: int = 10_000,
                 page_cap: int | None = None, bulkfetch: bool = True, anonymous_server_info: bool = True,
                 approximate_count: bool = True, latency: float = 0.0):
        self.flavour = flavour
        self.email, self.api_token, self.pat = email, api_token, pat
        self.incident_jql, self.action_item_jql = incident_jql, action_item_jql
        self.base_jql = f"(({incident_jql}) OR ({action_item_jql}))"
        self.zone = ZoneInfo(time_zone)
        cloud = flavour == "cloud"
        self.changelog_cap = changelog_cap if changelog_cap is not None else (40 if cloud else None)
        self.offset_limit = offset_limit
        self.page_cap = page_cap or (100 if cloud else 1000)
        self.bulkfetch = bulkfetch
        self.anonymous_server_info = anonymous_server_info
        # Older Cloud sites, and proxies that allow only the search, answer it 404.
        self.approximate_count = approximate_count
        self.latency = latency   # seconds before every answer, as a real site's round trip
        self.url = ""
        self.requests: list[Request] = []
        # Requests being answered now, and the most at once: what a client's concurrency comes to.
        self.in_flight = self.peak_in_flight = 0
        self._lock = threading.RLock()
        self._issues = {raw["id"]: _Issue(raw) for raw in issues}
        self._by_key = {i.key: i for i in self._issues.values()}
        self._moved: set[str] = set()
        self._version = 0
        self._generation = 0
        self._sorted: tuple[int, list[_Issue]] = (-1, [])
        self._matches: dict[tuple, list[_Issue]] = {}
        self._faults: list[tuple[re.Pattern, Callable[[dict], bool] | None, deque]] = []
        self._held: re.Pattern | None = None
        self._released = threading.Event()
        self._history_ids = iter(range(900_000_000, 10**10))
        self._server: ThreadingHTTPServer | None = None

    # -- running ---------------------------------------------------------------------------
    def start(self) -> str:
        handler = type("Handler", (_Handler,), {"site": self})
        self._server = _Server(("127.0.0.1", 0), handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self.url

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> "FakeJira":
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- changing the site -----------------------------------------------------------------
    def update(self, key: str, *, summary: str | None = None, histories: int = 1, when: datetime | None = None) -> None:
        """Edit an issue the way a person would: new `updated`, new changelog entries."""
        with self._lock:
            issue = self._by_key[key]
            when = when or datetime.now(timezone.utc)
            for n in range(histories):
                issue.histories.append(history(next(self._history_ids), when, len(issue.histories) + n))
            if summary is not None:
                issue.fields["summary"] = summary
            issue.fields["updated"] = jira_time(when)
            issue.refresh()
            self._version += 1

    def add(self, raw: dict) -> None:
        with self._lock:
            issue = _Issue(raw)
            self._issues[issue.id] = self._by_key[issue.key] = issue
            self._version += 1

    def delete(self, key: str) -> None:
        with self._lock:
            issue = self._by_key.pop(key)
            del self._issues[issue.id]
            self._version += 1

    def move_out(self, key: str) -> None:
        """Still there, no longer matched by the JQL (moved to another project, relabelled)."""
        with self._lock:
            self._moved.add(self._by_key[key].id)
            self._version += 1

    def expire_tokens(self) -> None:
        with self._lock:
            self._generation += 1

    def fail(self, path_pattern: str, *faults: Fault, when: Callable[[dict], bool] | None = None) -> None:
        """Answer the next requests whose path matches, and whose arguments `when` accepts if given,
        with these faults, in order."""
        with self._lock:
            self._faults.append((re.compile(path_pattern), when, deque(faults)))

    def heal(self) -> None:
        """Drop the faults not yet answered."""
        with self._lock:
            self._faults.clear()

    def hold(self, path_pattern: str) -> None:
        """Keep every answer to a request whose path matches waiting until `release`: a client
        stopped at a known point, whatever the machine's speed."""
        with self._lock:
            self._released.clear()
            self._held = re.compile(path_pattern)

    def release(self) -> None:
        with self._lock:
            self._held = None
            self._released.set()

    def warm(self) -> None:
        """Does now what the first answers would: sorting the issues, converting the histories for
        bulkfetch. A benchmark's first measured client would otherwise pay for it."""
        self._matching(self.base_jql + ORDER, ordered=True)
        for issue in self._issues.values():
            for n in range(len(issue.histories)):
                issue.bulk_text(n)

    def served(self, path_pattern: str) -> list[Request]:
        pattern = re.compile(path_pattern)
        with self._lock:
            return [r for r in self.requests if pattern.search(r.path)]

    def issue(self, key: str) -> _Issue:
        return self._by_key[key]

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._by_key)

    # -- answering -------------------------------------------------------------------------
    def handle(self, method: str, path: str, query: str, raw: bytes, authorization: str | None):
        args = json.loads(raw) if method == "POST" and raw else dict(parse_qsl(query))
        with self._lock:
            self.requests.append(Request(method, path, args, authorization, time.monotonic()))
            fault = next((queue.popleft() for pattern, when, queue in self._faults
                          if queue and pattern.search(path) and (when is None or when(args))), None)
            self.in_flight += 1
            self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
        try:
            return self._answer(method, path, args, authorization, fault)
        finally:
            with self._lock:
                self.in_flight -= 1

    def _answer(self, method: str, path: str, args: dict, authorization: str | None, fault: Fault | None):
        time.sleep(self.latency)
        with self._lock:
            held = self._held is not None and self._held.search(path)
        if held:
            self._released.wait()
        if fault:
            time.sleep(fault.delay)
            if fault.status != 200 or fault.body is not None:
                return fault.status, fault.headers, fault.body if fault.body is not None else _errors(f"injected {fault.status}")
        if not self._authorised(path, authorization):
            return 401, {}, _errors("Client must be authenticated to access this resource.")
        try:
            return self._route(method, path, args)
        except JqlError as exc:
            return 400, {}, _errors(str(exc))

    def _authorised(self, path: str, authorization: str | None) -> bool:
        if authorization is None:
            return self.anonymous_server_info and path == "/rest/api/2/serverInfo"
        if self.flavour == "cloud":
            return authorization == "Basic " + base64.b64encode(f"{self.email}:{self.api_token}".encode()).decode()
        return authorization == f"Bearer {self.pat}"

    def _route(self, method: str, path: str, args: dict):
        cloud = self.flavour == "cloud"
        if path == "/rest/api/2/serverInfo":
            return 200, {}, json.dumps(self._server_info())
        if path == "/rest/api/2/myself":
            return 200, {}, json.dumps({"accountId": "acct-sync", "name": "sync", "emailAddress": self.email,
                                        "displayName": "Followthrough sync", "active": True,
                                        "timeZone": str(self.zone)})
        if path == "/rest/api/2/field":
            return 200, {}, json.dumps(FIELD_LIST)
        if cloud and path in ("/rest/api/2/search", "/rest/api/3/search"):
            return 410, {}, _errors("The requested API has been removed. Please migrate to /rest/api/3/search/jql.")
        if cloud and path == "/rest/api/3/search/jql":
            return self._search_by_token(args)
        if cloud and self.approximate_count and path == "/rest/api/3/search/approximate-count":
            return 200, {}, json.dumps({"count": len(self._matching(args["jql"], ordered=False))})
        if cloud and self.bulkfetch and path == "/rest/api/3/changelog/bulkfetch" and method == "POST":
            return self._bulkfetch(args)
        if not cloud and path == "/rest/api/2/search":
            return self._search_by_offset(args)
        match = re.fullmatch(r"/rest/api/(2|3)/issue/([^/]+)/changelog", path)
        if match and (cloud or match[1] == "2"):
            return self._changelog(match[2], match[1], args)
        return 404, {}, _errors(f"null for uri: {self.url}{path}")

    def _server_info(self) -> dict:
        cloud = self.flavour == "cloud"
        return {"baseUrl": self.url, "version": "1001.0.0-SNAPSHOT" if cloud else "9.12.15",
                "versionNumbers": [1001, 0, 0] if cloud else [9, 12, 15],
                "deploymentType": "Cloud" if cloud else "DataCenter", "buildNumber": 100250,
                "serverTime": jira_time(datetime.now(timezone.utc)), "serverTitle": "Fake Jira"}

    def _search_by_token(self, args: dict):
        fields, with_changelog = _list(args.get("fields")), "changelog" in _list(args.get("expand"))
        keys_only = set(fields) <= {"id", "key"}
        size = max(1, min(int(args.get("maxResults", 50)), 5000 if keys_only else self.page_cap))
        matching = self._matching(args["jql"], ordered=True)
        signature = _signature(args["jql"], fields, with_changelog)
        offset = 0
        if args.get("nextPageToken"):
            offset = self._read_token(args["nextPageToken"], signature)
            if offset is None:
                return 400, {}, _errors(EXPIRED)
        chunk = matching[offset:offset + size]
        cap = self.changelog_cap if with_changelog else 0
        texts = ",".join(i.text(self.url, "3", fields, cap) for i in chunk)
        end = offset + len(chunk)
        tail = (f',"nextPageToken":"{self._token(signature, end)}","isLast":false' if end < len(matching)
                else ',"isLast":true')
        return 200, {}, f'{{"issues":[{texts}]{tail}}}'

    def _search_by_offset(self, args: dict):
        fields = _list(args.get("fields")) or None
        with_changelog = "changelog" in _list(args.get("expand"))
        size = min(int(args.get("maxResults", 50)), self.page_cap)
        start = int(args.get("startAt", 0))
        if start > 0 and start + size > self.offset_limit:
            return 400, {}, _errors(f"startAt + maxResults may not exceed {self.offset_limit}; narrow the query")
        matching = self._matching(args["jql"], ordered=size > 0)
        chunk = matching[start:start + size]
        cap = self.changelog_cap if with_changelog else 0
        texts = ",".join(i.text(self.url, "2", fields or list(i.fragments), cap) for i in chunk)
        return 200, {}, (f'{{"expand":"schema,names","startAt":{start},"maxResults":{size},'
                         f'"total":{len(matching)},"issues":[{texts}]}}')

    def _bulkfetch(self, body: dict):
        wanted = body.get("issueIdsOrKeys") or []
        if not wanted or len(wanted) > 1000:
            return 400, {}, _errors("issueIdsOrKeys must name between 1 and 1000 issues")
        size = max(1, min(int(body.get("maxResults", 1000)), 1000))
        with self._lock:
            issues = [i for i in (self._issues.get(str(w)) or self._by_key.get(str(w)) for w in wanted) if i]
        # Oldest history first, then smallest issue id, across all the issues asked for.
        entries = sorted(((h["created"], int(i.id), n, i) for i in issues for n, h in enumerate(i.histories)),
                         key=lambda e: e[:3])
        signature = _signature(json.dumps(wanted), [], False)
        offset = 0
        if body.get("nextPageToken"):
            offset = self._read_token(body["nextPageToken"], signature)
            if offset is None:
                return 400, {}, _errors(EXPIRED)
        groups: dict[str, list[str]] = {}
        for _, _, n, issue in entries[offset:offset + size]:
            groups.setdefault(issue.id, []).append(issue.bulk_text(n))
        logs = ",".join(f'{{"issueId":"{i}","changeHistories":[{",".join(t)}]}}' for i, t in groups.items())
        end = offset + size
        tail = f',"nextPageToken":"{self._token(signature, end)}"' if end < len(entries) else ""
        return 200, {}, f'{{"issueChangeLogs":[{logs}]{tail}}}'

    def _changelog(self, id_or_key: str, api: str, args: dict):
        with self._lock:
            issue = self._issues.get(id_or_key) or self._by_key.get(id_or_key)
        if not issue:
            return 404, {}, _errors("Issue does not exist or you do not have permission to see it.")
        start, size = int(args.get("startAt", 0)), max(1, min(int(args.get("maxResults", 50)), 100))
        chunk = issue.history_texts[start:start + size]
        total = len(issue.history_texts)
        last = "true" if start + len(chunk) >= total else "false"
        return 200, {}, (f'{{"self":"{self.url}/rest/api/{api}/issue/{issue.key}/changelog","maxResults":{size},'
                         f'"startAt":{start},"total":{total},"isLast":{last},"values":[{",".join(chunk)}]}}')

    def _matching(self, jql: str, *, ordered: bool) -> list[_Issue]:
        bounds, newest_first = parse(jql, self.base_jql, self.zone, ordered=ordered)
        since, after, before = bounds.get("updated >="), bounds.get("created >="), bounds.get("created <")
        with self._lock:
            key = (self._version, since, after, before, newest_first)
            if key not in self._matches:
                if self._sorted[0] != self._version:
                    self._sorted = (self._version, sorted(self._issues.values(), key=lambda i: i.order))
                self._matches = {k: v for k, v in self._matches.items() if k[0] == self._version}
                found = [i for i in self._sorted[1] if i.id not in self._moved
                         and (since is None or i.updated >= since) and (after is None or i.created >= after)
                         and (before is None or i.created < before)]
                self._matches[key] = found[::-1] if newest_first else found
            return self._matches[key]

    @staticmethod
    def page_offset(args: dict) -> int:
        """Where in its listing a Cloud search starts: 0 without a token, else the token's offset."""
        token = args.get("nextPageToken")
        return _unpacked(token)[1] if token else 0

    def _token(self, signature: str, offset: int) -> str:
        return base64.urlsafe_b64encode(json.dumps([signature, offset, self._generation]).encode()).decode()

    def _read_token(self, token: str, signature: str) -> int | None:
        try:
            seen, offset, generation = _unpacked(token)
        except ValueError:
            return None
        return offset if seen == signature and generation == self._generation else None


def _unpacked(token: str) -> list:
    return json.loads(base64.urlsafe_b64decode(token.encode()))


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client killed or timed out mid-request is part of the tests, not a fault of the fake.
        if not isinstance(sys.exc_info()[1], (ConnectionResetError, BrokenPipeError)):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"   # keep-alive, as a client's session expects
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would hold the body 40 ms
    site: FakeJira

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def _answer(self, method: str) -> None:
        url = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        status, headers, body = self.site.handle(method, url.path, url.query, raw, self.headers.get("Authorization"))
        data = body.encode("utf-8")
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json;charset=UTF-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up waiting (a slow-answer fault)

    def log_message(self, *args) -> None:
        pass


def _errors(message: str) -> str:
    return json.dumps({"errorMessages": [message], "errors": {}})


def _list(value) -> list[str]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [v for v in str(value).split(",") if v]


def _signature(jql: str, fields: list[str], with_changelog: bool) -> str:
    return hashlib.md5(json.dumps([jql, fields, with_changelog]).encode()).hexdigest()[:12]


def _parse_time(text: str) -> datetime:
    return datetime.fromisoformat(text)   # Python 3.11 reads Jira's +0000 offsets, 60x faster than strptime

