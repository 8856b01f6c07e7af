"""Sign-in for real: Debian's chromium signs in through a local OpenID Connect provider
(tests/oidc_provider.py) to the real `streamlit run app.py`, which lets in only the addresses and
domains of the published allow-list.

The allow-list is written here into a copy of the demo database as config.access_rules, the
table `python -m etl publish` writes from [access]. Each test uses a fresh browser context, so no
sign-in carries over; the browser may reach the dashboard and the provider and nothing else, and
what it is sent (pages, responses, WebSocket frames, cookies) is searched for the secrets.
"""
from __future__ import annotations

import re
import shutil
import tomllib
from contextlib import ExitStack
from secrets import token_urlsafe
from types import SimpleNamespace
from urllib.parse import parse_qsl, urlsplit

import duckdb
import pytest
from playwright.sync_api import expect, sync_playwright

from browser_support import (CHROMIUM, CHROMIUM_ARGS, PAGE_MS, VIEWPORT, Server, chart_count, free_port,
                             start_servers, wait_for_app)
from oidc_provider import Provider, User

pytestmark = pytest.mark.browser

CLIENT_ID = "followthrough-dashboard"
USERS = {
    "domain": User("bob", "Bob@EXAMPLE.com", name="Bob"),                 # at a listed domain, in other case
    "address": User("carol", "carol@partner.org", name="Carol"),          # a listed address
    "look-alike": User("mallory", "mallory@evil-example.com"),            # ends in the listed domain's name
    "subdomain": User("sam", "sam@eu.example.com"),                       # not the listed domain itself
    "unlisted": User("dan", "dan@partner.org"),                           # a listed address's domain
    "unverified": User("eve", "eve@example.com", email_verified=False),   # the provider has not checked it
}
RULES = [("email", "Carol@Partner.org"), ("domain", "example.com")]


def with_access_rules(demo_db, target, rules):
    """A copy of the demo database at `target` whose allow-list is `rules`, (kind, value) pairs."""
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy(demo_db, target)
    con = duckdb.connect(str(target))
    try:
        con.execute("CREATE SCHEMA IF NOT EXISTS config")
        # Whatever [access] the demo was published with (none, or its own) is replaced by the test's.
        con.execute("CREATE TABLE IF NOT EXISTS config.access_rules (kind VARCHAR, value VARCHAR)")
        con.execute("DELETE FROM config.access_rules")
        if rules:
            con.executemany("INSERT INTO config.access_rules VALUES (?, ?)", rules)
    finally:
        con.close()
    return target


def _site(stack: ExitStack, root, name: str, db) -> SimpleNamespace:
    """A provider and a dashboard configured for it, with fresh secrets."""
    port = free_port()
    redirect_uri = f"http://127.0.0.1:{port}/oauth2callback"
    client_secret, cookie_secret = token_urlsafe(32), token_urlsafe(32)
    provider = stack.enter_context(Provider(list(USERS.values()), client_id=CLIENT_ID, client_secret=client_secret,
                                            redirect_uri=redirect_uri))
    secrets = root / f"{name}-secrets.toml"
    secrets.write_text(f'[auth]\nredirect_uri = "{redirect_uri}"\ncookie_secret = "{cookie_secret}"\n'
                       f'client_id = "{CLIENT_ID}"\nclient_secret = "{client_secret}"\n'
                       f'server_metadata_url = "{provider.metadata_url}"\n')
    assert tomllib.loads(secrets.read_text())["auth"]["client_secret"] == client_secret
    server = Server(db, root / f"{name}.log", port=port, secrets=secrets)
    stack.callback(server.stop)
    return SimpleNamespace(provider=provider, server=server,
                           secrets={"client secret": client_secret, "cookie secret": cookie_secret})


@pytest.fixture(scope="module")
def sites(demo_db, tmp_path_factory):
    """Two dashboards behind sign-in: one with the allow-list, one with an empty one."""
    root = tmp_path_factory.mktemp("signin")
    with ExitStack() as stack:
        listed, empty = (_site(stack, root, name, with_access_rules(demo_db, root / name / "published.duckdb", rules))
                         for name, rules in (("listed", RULES), ("empty", [])))
        start_servers(listed.server, empty.server)
        with duckdb.connect(str(demo_db), read_only=True) as con:
            keys = con.execute("SELECT issue_key FROM marts.incidents ORDER BY created_at DESC LIMIT 20").fetchall()
        yield SimpleNamespace(listed=listed, empty=empty, incident_keys=[k for (k,) in keys])


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Visit:
    """A fresh browser context that may reach one site's dashboard and provider, and keeps all it
    was sent: response bodies and headers, WebSocket frames and cookies."""

    def __init__(self, browser, site):
        self.site = site
        self.context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
        self.context.set_default_timeout(PAGE_MS)
        allowed = "|".join(re.escape(url) for url in (site.server.url, site.provider.url))
        self.outside: list[str] = []
        self.context.route(re.compile(rf"^(?!({allowed})/)"), self._refuse)
        self.received: list[bytes] = []
        self.page = self.context.new_page()
        self.page.on("response", self._keep_response)
        self.page.on("websocket", lambda ws: ws.on("framereceived", self._keep_frame))

    def _refuse(self, route):
        self.outside.append(route.request.url)
        route.abort()

    def _keep_response(self, response):
        self.received.append(repr(response.headers).encode())
        if not 300 <= response.status < 400:
            try:
                self.received.append(response.body())
            except Exception:   # a body the browser has already let go of, e.g. after a navigation
                pass

    def _keep_frame(self, payload):
        self.received.append(payload if isinstance(payload, bytes) else payload.encode())

    def close(self) -> None:
        self.context.close()

    # -- what the visitor does and sees --

    def open(self, path: str, title: str):
        self.page.goto(self.site.server.url + path)
        wait_for_app(self.page, title)

    def sign_in(self, user: User, lands_on: str):
        self.page.get_by_role("button", name="Sign in").click()
        self.page.wait_for_url(f"{self.site.provider.url}/authorize?**")
        self.page.get_by_role("button", name=user.email, exact=True).click()
        self.page.wait_for_url(f"{self.site.server.url}/**")
        wait_for_app(self.page, lands_on)

    def sign_out(self):
        ended = len(self.site.provider.server.sessions_ended)
        self.page.get_by_role("button", name="Sign out").click()
        expect(self.page.get_by_role("button", name="Sign in")).to_be_visible(timeout=PAGE_MS)
        wait_for_app(self.page, "Followthrough")
        assert len(self.site.provider.server.sessions_ended) == ended + 1, "the provider was not asked to sign out"

    def main_buttons(self) -> list[str]:
        return self.page.locator('[data-testid="stMain"] button').all_inner_texts()

    def assert_shows_nothing_of_the_data(self, incident_keys):
        page = self.page
        assert chart_count(page, "body") == 0
        assert page.locator('[data-testid="stDataFrame"], [data-testid="stMetric"], [data-testid="stTable"]'
                            ).count() == 0
        assert page.locator('[data-testid="stSidebar"], [data-testid="stSidebarNav"]').count() == 0
        sent = b"".join(self.received)
        assert not [key for key in incident_keys if key.encode() in sent], "incident data reached the browser"

    def assert_no_secrets_and_nothing_outside(self):
        seen = b"".join(self.received) + repr(self.context.cookies()).encode() + self.page.content().encode()
        leaked = [name for name, secret in self.site.secrets.items() if secret.encode() in seen]
        assert not leaked, f"the browser was sent the {leaked}"
        assert not self.outside, f"requests beyond the dashboard and the provider: {self.outside}"


def shown(locator) -> str:
    """Text as the reader sees it: addresses carry invisible word joiners (followthrough.text)."""
    return locator.inner_text().replace("\u2060", "").strip()


@pytest.fixture
def visit(browser, sites):
    opened: list[Visit] = []

    def open_(site) -> Visit:
        opened.append(Visit(browser, site))
        return opened[-1]
    yield open_
    for v in opened:
        v.close()


@pytest.mark.parametrize("path", ["/", "/explorer", "/quarterly?from=2025-01-01&to=2025-12-31"])
def test_a_visitor_who_has_not_signed_in_sees_only_the_sign_in_button(sites, visit, path):
    v = visit(sites.listed)
    v.open(path, "Followthrough")
    assert v.main_buttons() == ["Sign in"]
    v.assert_shows_nothing_of_the_data(sites.incident_keys)
    v.assert_no_secrets_and_nothing_outside()


@pytest.mark.parametrize("who", ["domain", "address"])
def test_a_listed_user_signs_in_sees_the_dashboard_and_signs_out(sites, visit, who):
    user = USERS[who]
    v = visit(sites.listed)
    v.open("/", "Followthrough")
    v.sign_in(user, lands_on="Overview")
    expect(v.page.locator('[data-testid="stMain"] .js-plotly-plot')).to_have_count(1, timeout=PAGE_MS)
    assert user.email in shown(v.page.locator('[data-testid="stSidebar"]'))
    assert v.page.locator('[data-testid="stSidebarNav"] a').count() > 1   # every page, not only the one open

    v.sign_out()
    v.assert_shows_nothing_of_the_data([])
    v.open("/", "Followthrough")   # signed out for good, not only on the page that was open
    assert v.main_buttons() == ["Sign in"]
    v.assert_no_secrets_and_nothing_outside()
    assert not sites.listed.server.errors_logged(), sites.listed.server.errors_logged()


def test_a_shared_link_opened_before_signing_in_opens_once_signed_in(sites, visit):
    # Streamlit itself returns every sign-in to "/".
    key = sites.incident_keys[3]
    link = f"/explorer?incident={key}&from=2025-01-01&to=2025-12-31"
    v = visit(sites.listed)
    v.open(link, "Followthrough")
    v.sign_in(USERS["address"], lands_on="Incident explorer")
    assert v.page.url.startswith(sites.listed.server.url + "/explorer?")
    assert {"incident": key, "from": "2025-01-01", "to": "2025-12-31"}.items() <= dict(
        parse_qsl(urlsplit(v.page.url).query)).items()
    expect(v.page.locator('[data-testid="stMain"]')).to_contain_text(key, timeout=PAGE_MS)

    # Once: the next visit to "/" stays there.
    v.open("/", "Overview")
    assert urlsplit(v.page.url).path == "/"
    v.assert_no_secrets_and_nothing_outside()
    assert not sites.listed.server.errors_logged(), sites.listed.server.errors_logged()


@pytest.mark.parametrize("who", ["look-alike", "subdomain", "unlisted", "unverified"])
def test_anyone_else_is_refused_and_can_sign_out(sites, visit, who):
    user = USERS[who]
    v = visit(sites.listed)
    v.open("/explorer", "Followthrough")
    v.sign_in(user, lands_on="Followthrough")
    refusal = v.page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    expect(refusal).to_have_count(1, timeout=PAGE_MS)
    assert shown(refusal.locator('[data-testid="stMarkdownContainer"]')) == (
        f"{user.email} may not see this dashboard; ask whoever runs it to add you.")
    assert v.main_buttons() == ["Sign out"]
    v.assert_shows_nothing_of_the_data(sites.incident_keys)

    v.sign_out()
    v.assert_no_secrets_and_nothing_outside()
    assert f"refused {user.email}: not on the allow-list" in sites.listed.server.log()


def test_with_an_empty_allow_list_no_one_is_let_in(sites, visit):
    v = visit(sites.empty)
    v.open("/", "Followthrough")
    v.sign_in(USERS["domain"], lands_on="Followthrough")
    refusal = v.page.locator('[data-testid="stMain"] [data-testid="stAlert"]')
    expect(refusal).to_contain_text("the allow-list is empty", timeout=PAGE_MS)
    expect(refusal).to_contain_text("[access]")
    expect(refusal).to_contain_text("python -m etl publish")
    assert v.main_buttons() == ["Sign out"]
    v.assert_shows_nothing_of_the_data(sites.incident_keys)
    v.sign_out()
    v.assert_no_secrets_and_nothing_outside()
