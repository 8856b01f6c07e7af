"""The running app in Debian's chromium: `streamlit run app.py` against databases built by the real
ETL, driven through Playwright's sync API.

Checks what AppTest cannot: that a shared link opened first on a fresh server applies its filters,
that every page renders with its Plotly charts drawn and asks nothing of any server but its own,
that the Quarterly review's downloads are what they say and the HTML one draws its charts with the
network cut, and that a hostile Jira summary stays text in the browser.

Each page leaves a full-page screenshot in the test's tmp_path. With FOLLOWTHROUGH_SCREENSHOTS=1
they go to docs/screenshots/ instead, replacing the README's pictures:

    FOLLOWTHROUGH_SCREENSHOTS=1 .venv/bin/python -m pytest tests/test_browser.py

Waits are on what the page says about itself (see browser_support), never on time.
"""
from __future__ import annotations

import json
import os
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlparse

import pytest
from playwright.sync_api import expect, sync_playwright

from browser_support import (CHROMIUM, CHROMIUM_ARGS, PAGE_MS, VIEWPORT, chart_count, environment,
                             full_page_screenshot, offline_page, start_servers, wait_for_app, wait_for_charts,
                             wait_for_grid)
from app_support import sql
from etl.cli import main
from etl.config import DEMO_CONFIG
from followthrough.export import _md
from followthrough.figures import FIGURES
from followthrough.style import number, percent

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
# Written only on request, so a test run leaves the committed pictures alone.
SCREENSHOTS = ROOT / "docs" / "screenshots" if os.environ.get("FOLLOWTHROUGH_SCREENSHOTS") == "1" else None

# The pages in the sidebar's order: URL path, h1, screenshot name, Plotly charts on the demo data.
PAGES = [
    ("/", "Overview", "overview", 1),
    ("/recurrence", "Recurrence", "recurrence", 2),
    ("/follow_through", "Follow-through", "follow_through", 2),
    ("/stalls", "Strategic stalls", "stalls", 2),
    ("/targets", "Owners and teams", "targets", 0),
    ("/quarterly", "Quarterly review", "quarterly", 4),
    ("/explorer", "Incident explorer", "explorer", 0),
    ("/data_health", "Data health", "data_health", 0),
]

HOSTILE = ('<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
           '[click](javascript:window.__pwned=1)')
HOSTILE_KEY = "OPS-2"
HOSTILE_AS_OF = "2026-07-01T00:00:00"


# -- fixtures -------------------------------------------------------------------------------------

def _incident(number_: int, summary: str, created: str) -> dict:
    """A Jira v2 incident shaped as the demo configuration reads it."""
    key = f"OPS-{number_}"
    return {"id": str(500_000 + number_), "key": key,
            "self": f"https://demo.followthrough.invalid/rest/api/2/issue/{500_000 + number_}",
            "fields": {"summary": summary, "issuetype": {"name": "Incident"}, "project": {"key": "OPS"},
                       "status": {"name": "Open", "statusCategory": {"key": "new"}},
                       "created": created, "updated": created, "labels": [],
                       "components": [{"name": "checkout"}],
                       "customfield_10100": {"value": "Sev 2"}, "customfield_10200": {"value": "Payments"}}}


@pytest.fixture(scope="module")
def databases(tmp_path_factory) -> SimpleNamespace:
    """The demo database, and a small one holding an incident with a hostile summary (older than the
    newest incident, so the explorer does not open it until it is searched for)."""
    root = tmp_path_factory.mktemp("browser")
    demo = root / "demo" / "followthrough.duckdb"
    with environment(FOLLOWTHROUGH_DB=str(demo), FOLLOWTHROUGH_WAREHOUSE=None, FOLLOWTHROUGH_CONFIG=None):
        assert main(["demo", "--incidents", "200"]) == 0

    hostile = root / "hostile" / "followthrough.duckdb"
    source = root / "hostile-issues.ndjson"
    source.write_text("\n".join(json.dumps(issue) for issue in (
        _incident(1, "Checkout latency after deploy", "2026-05-01T10:00:00.000+0000"),
        _incident(2, HOSTILE, "2026-05-02T10:00:00.000+0000"),
        _incident(3, "Checkout timeouts during flash sale", "2026-06-01T10:00:00.000+0000"))) + "\n")
    with environment(FOLLOWTHROUGH_DB=str(hostile), FOLLOWTHROUGH_WAREHOUSE=str(hostile.with_name("warehouse.duckdb")),
                     FOLLOWTHROUGH_CONFIG=None):
        assert main(["--config", str(DEMO_CONFIG), "import-json", str(source), "--as-of", HOSTILE_AS_OF]) == 0
    return SimpleNamespace(root=root, demo=demo, hostile=hostile)


@pytest.fixture(scope="module")
def servers(databases):
    """One `streamlit run app.py` per database, started together; fails with the log if one does not
    answer /_stcore/health within 60 s."""
    demo, hostile = start_servers((databases.demo, databases.root / "demo-server.log"),
                                  (databases.hostile, databases.root / "hostile-server.log"))
    yield SimpleNamespace(demo=demo, hostile=hostile)
    for server in (demo, hostile):
        server.stop()


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Tab:
    """A page in a fresh browser context that records what should never happen: uncaught script
    errors, dialogs, and requests leaving for anywhere but the server (which are refused)."""

    def __init__(self, browser, server, artifacts: Path, name: str):
        self.server, self.artifacts, self.name = server, artifacts, name
        self.context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC",
                                           reduced_motion="reduce", accept_downloads=True)
        self.context.set_default_timeout(PAGE_MS)
        self.outside: list[str] = []
        local = re.escape(server.url) + "/"
        self.context.route(re.compile(rf"^(?!{local})"), self._refuse)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))
        self.page.on("dialog", self._dialog)
        self.page.on("request", lambda request: self.requests.append(request.url))

    def _refuse(self, route) -> None:
        self.outside.append(route.request.url)
        route.abort()

    def _dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def open(self, path: str, title: str):
        self.server.pages_opened += 1
        self.page.goto(self.server.url + path)
        wait_for_app(self.page, title)
        return self.page

    @contextmanager
    def evidence(self, what: str):
        """On failure, keeps a screenshot and the server's log tail beside the test's tmp files."""
        try:
            yield
        except BaseException as exc:
            shot = self.artifacts / f"{self.name}-{what}.png"
            try:
                self.page.screenshot(path=str(shot), full_page=True)
            except Exception:  # noqa: BLE001 - the original failure matters, not this one
                pass
            log_tail = "\n".join(self.server.log().splitlines()[-40:])
            exc.add_note(f"screenshot: {shot}\nserver log (tail):\n{log_tail}")
            raise

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, tmp_path, request):
    tabs = []

    def open_tab(server) -> Tab:
        tabs.append(Tab(browser, server, tmp_path, re.sub(r"\W+", "_", request.node.name)))
        return tabs[-1]
    yield open_tab
    for t in tabs:
        t.close()


# -- helpers --------------------------------------------------------------------------------------

def metrics(page) -> dict[str, str]:
    """Every st.metric on the page: label -> value as shown."""
    return page.evaluate("""() => Object.fromEntries([...document.querySelectorAll('[data-testid="stMetric"]')]
        .map(m => [m.querySelector('[data-testid="stMetricLabel"]').innerText.trim(),
                   m.querySelector('[data-testid="stMetricValue"]').innerText.trim()]))""")


def sidebar_multiselect(page, label: str):
    return page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(
        has=page.locator('[data-testid="stWidgetLabel"]', has_text=re.compile(rf"^{re.escape(label)}$")))


def assert_page_healthy(page) -> None:
    assert page.locator('[data-testid="stException"]').count() == 0, "the page shows an exception"
    errors = page.locator('[data-testid="stAlertContentError"]').all_inner_texts()
    assert not errors, f"the page shows an error: {errors}"


# Every text of a chart's axes, legend and colour bar, measured as drawn: each inside its figure's
# SVG and none over another.
_LABEL_PROBLEMS = """root => {
    const problems = [];
    const inside = (r, box) => r.left >= box.left - 1 && r.right <= box.right + 1 &&
                               r.top >= box.top - 1 && r.bottom <= box.bottom + 1;
    const overlap = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1 &&
                              Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
    document.querySelectorAll(root + ' .js-plotly-plot').forEach((plot, n) => {
        const box = plot.querySelector('svg.main-svg').getBoundingClientRect();
        const labels = [...plot.querySelectorAll(
            '.xtick text, .ytick text, .g-xtitle text, .g-ytitle text, .legendtext, .cbaxis text, .cbtitle text, ' +
            '.annotation-text')]
            .filter(t => t.textContent.trim() && t.getBoundingClientRect().width > 0)
            .map(t => ({text: t.textContent, r: t.getBoundingClientRect()}));
        labels.forEach(l => { if (!inside(l.r, box)) problems.push(`chart ${n + 1}: "${l.text}" outside its figure`); });
        for (let i = 0; i < labels.length; i++)
            for (let j = i + 1; j < labels.length; j++)
                if (overlap(labels[i].r, labels[j].r))
                    problems.push(`chart ${n + 1}: "${labels[i].text}" overlaps "${labels[j].text}"`);
    });
    return problems;
}"""


def assert_charts_readable(page, root: str = '[data-testid="stMain"]') -> None:
    problems = page.evaluate(_LABEL_PROBLEMS, root)
    assert not problems, "\n".join(problems)


# A card's label that does not fit is cut short with an ellipsis: the reader sees half a name.
_CLIPPED_CARD_LABELS = """() => [...document.querySelectorAll('[data-testid="stMetricLabel"]')]
    .filter(label => [label, ...label.querySelectorAll('*')].some(e => e.scrollWidth > e.clientWidth + 1))
    .map(label => label.innerText.trim())"""


def assert_card_labels_whole(page) -> None:
    clipped = page.evaluate(_CLIPPED_CARD_LABELS)
    assert not clipped, f"card labels cut short: {clipped}"


def assert_server_quiet(server) -> None:
    assert not server.errors_logged(), "the server logged errors:\n" + "\n".join(server.errors_logged())


# -- tests ----------------------------------------------------------------------------------------
# A shared link must work as the first page a freshly started server serves (app.py explains why),
# so this test comes first in the file and checks it still is first.

def test_a_shared_link_opened_first_applies_its_filters(servers, databases, tab):
    server = servers.demo
    assert server.pages_opened == 0, "this test must open the server's first page: keep it first in the file"
    t = tab(server)
    link = "/recurrence?from=2025-01-01&to=2025-12-31&severity=SEV-1&severity=SEV-2"
    with t.evidence("deep-link"):
        page = t.open(link, "Recurrence")
        assert_page_healthy(page)

        expect(sidebar_multiselect(page, "Severity").locator("[data-tag]")).to_have_text(["SEV-1", "SEV-2"])
        for other in ("Service", "Team"):
            expect(sidebar_multiselect(page, other).locator("[data-tag]")).to_have_count(0)
        period = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"]').inner_text()
        period = re.sub(r"\s+", "", period).removeprefix("Period")
        assert period == "2025/01/01–2025/12/31", f"the sidebar's period shows {period}"
        expect(page.locator('[data-testid="stMain"] [data-testid="stCaptionContainer"]').first).to_have_text(
            "01 Jan 2025 – 31 Dec 2025; severity: SEV-1, SEV-2")
        # The filters are written back, so the address bar still reproduces the view.
        query = urlparse(page.url).query
        assert query == "from=2025-01-01&to=2025-12-31&severity=SEV-1&severity=SEV-2", page.url

        # The headline figures are those of the filtered selection, read from the database itself.
        def repeats_and_incidents(start, end, severities):
            return sql(databases.demo, """
                SELECT count(r.issue_key), count(*) FROM marts.incidents AS i
                LEFT JOIN marts.repeats AS r USING (issue_key)
                WHERE i.created_at >= ?::DATE AND i.created_at < ?::DATE + 1
                  AND (? IS NULL OR list_contains(?, i.severity))""", [start, end, severities, severities])[0]
        repeats, incidents = repeats_and_incidents("2025-01-01", "2025-12-31", ["SEV-1", "SEV-2"])
        everything = repeats_and_incidents("2025-11-02", "2026-11-01", None)   # the default: 12 months to as-of
        assert (repeats, incidents) != everything, "the filter should make a difference on the demo data"
        shown = metrics(page)
        assert shown["Repeats"] == number(repeats)
        assert shown["Recurrence rate"] == percent(repeats / incidents)
    assert not t.errors and not t.dialogs
    assert not t.outside, f"requests beyond the server: {t.outside}"


def show_a_telling_incident(page, db: Path) -> None:
    """The explorer opens on the newest incident with action items, usually still being worked on;
    the screenshot shows the newest resolved repeat with both open and closed action items instead."""
    key = sql(db, """
        SELECT i.issue_key FROM marts.incidents AS i
        JOIN marts.repeats AS r USING (issue_key)
        JOIN marts.action_item_states AS a ON a.incident_key = i.issue_key
        WHERE i.is_resolved AND i.created_at >= (SELECT as_of FROM marts.build_info) - INTERVAL 300 DAY
        GROUP BY i.issue_key, i.created_at
        HAVING bool_or(a.is_open) AND bool_or(NOT a.is_open)
        ORDER BY i.created_at DESC LIMIT 1""")[0][0]
    choice = page.get_by_role("combobox", name="Incident to look at")
    choice.click()
    choice.fill(key)
    page.get_by_role("option", name=key, exact=True).click()
    expect(page.get_by_role("heading", name=key, exact=True)).to_be_visible()
    choice.blur()
    page.mouse.move(VIEWPORT["width"] - 5, VIEWPORT["height"] - 5)   # off the sidebar, which shows a button on hover
    wait_for_app(page, "Incident explorer")


@pytest.mark.parametrize("path, title, name, charts", PAGES, ids=[p[2] for p in PAGES])
def test_every_page_renders_with_its_charts(servers, databases, tab, tmp_path, path, title, name, charts):
    t = tab(servers.demo)
    with t.evidence(name):
        page = t.open(path, title)
        assert_page_healthy(page)
        if name == "explorer":
            show_a_telling_incident(page, databases.demo)

        # The sidebar lists every page, at the paths st.navigation derives from the page files.
        hrefs = page.locator('[data-testid="stSidebarNav"] a').evaluate_all("links => links.map(a => a.href)")
        assert [urlparse(h).path for h in hrefs] == [p[0] for p in PAGES]

        if charts:
            wait_for_charts(page, charts)
        assert chart_count(page) == charts
        assert_charts_readable(page)
        assert_card_labels_whole(page)
        for table in page.locator('[data-testid="stDataFrame"]').all():
            if table.is_visible():   # tables in closed expanders are drawn only when opened
                expect(table.locator("canvas").first).to_be_attached()
        full_page_screenshot(page, (SCREENSHOTS or tmp_path) / f"{name}.png")
        assert_page_healthy(page)
    assert not t.errors, t.errors
    assert not t.dialogs, t.dialogs
    assert not t.outside, f"requests beyond the server: {t.outside}"
    assert_server_quiet(servers.demo)


def _without_chart_ids(html: str) -> str:
    # plotly.io gives each chart's div a fresh random id.
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", html)


def test_quarterly_review_downloads_are_complete_and_the_html_works_offline(servers, databases, tab, tmp_path):
    t = tab(servers.demo)
    with t.evidence("quarterly-downloads"):
        page = t.open("/quarterly", "Quarterly review")
        wait_for_charts(page, 4)
        quarter = page.get_by_role("combobox", name="Quarter").input_value()
        assert re.fullmatch(r"\d{4} Q[1-4]", quarter), quarter
        figures = metrics(page)
        assert list(figures) == [f.label_for("quarter") for f in FIGURES], figures
        sentences = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] li').all_inner_texts()
        assert sentences, "the summary has no sentences"

        def download(label: str, into: Path) -> Path:
            with page.expect_download() as started:
                page.get_by_role("button", name=label).click()
            done = started.value
            assert done.failure() is None, done.failure()
            target = into / done.suggested_filename
            done.save_as(target)
            return target

        title = f"Incident review {quarter}"
        markdown = download("Markdown, for an email or wiki", tmp_path)
        assert markdown.name == f"{title}.md"
        text = markdown.read_text()
        assert text.startswith(f"# {title}\n")
        assert "\n## Summary\n" in text and "\n## Figures\n" in text
        for sentence in sentences:
            assert f"- {_md(sentence)}" in text, sentence
        for label, value in figures.items():   # each figure as the page shows it, this quarter's column
            assert f"| {_md(label)} | {_md(value)} |" in text, (label, value)

        html = download("HTML page with the charts", tmp_path)
        assert html.name == f"{title}.html"
        page_html = html.read_text()
        assert f"<h1>{title}</h1>" in page_html
        assert re.search(r"plotly\.js v\d+\.\d+\.\d+", page_html), "plotly.js is not inlined"
        assert len(page_html) > 1_000_000, "too small to hold plotly.js"
        assert not re.search(r"<script[^>]*\ssrc\s*=", page_html, re.IGNORECASE), "a script is loaded from elsewhere"
        assert not re.search(r"<link[^>]*\shref\s*=\s*[\"']?(https?:)?//", page_html, re.IGNORECASE)
        assert page_html.count('class="plotly-graph-div"') == 4

        archive = download("Tables as CSV (zip)", tmp_path)
        with zipfile.ZipFile(archive) as zipped:
            assert sorted(zipped.namelist()) == sorted(
                ["figures.csv", "follow-up-targets-by-class-and-severity.csv", "stalled-strategic-items.csv",
                 "services-that-recur-most.csv", "incidents.csv", "action-items.csv"])
            downloaded = {name: zipped.read(name) for name in zipped.namelist()}

        # `etl report` writes the very files the downloads give.
        with environment(FOLLOWTHROUGH_DB=str(databases.demo)):
            assert main(["report", "--quarter", quarter.replace(" ", ""), "--out", str(tmp_path / "cli")]) == 0
        assert (tmp_path / "cli" / markdown.name).read_text() == text
        assert _without_chart_ids((tmp_path / "cli" / html.name).read_text()) == _without_chart_ids(page_html)
        with zipfile.ZipFile(tmp_path / "cli" / archive.name) as zipped:
            assert {name: zipped.read(name) for name in zipped.namelist()} == downloaded
    assert not t.errors, t.errors
    assert not t.outside, f"requests beyond the server: {t.outside}"

    # The HTML report with every request refused but its own file: the charts still draw.
    with offline_page(t.context.browser) as offline:
        report = offline.page
        report.goto(html.as_uri())
        wait_for_charts(report, 4, root="body", timeout=PAGE_MS)
        assert_charts_readable(report, root="body")
        report.screenshot(path=str((SCREENSHOTS or tmp_path) / "quarterly_export.png"), full_page=True,
                          animations="disabled")
        assert report.locator("table").count() >= 1
        assert not offline.refused, f"the report tried to load {offline.refused}"
        assert not offline.errors, offline.errors


def test_a_hostile_summary_stays_text_in_the_incident_explorer(servers, tab):
    t = tab(servers.hostile)
    with t.evidence("hostile"):
        page = t.open("/explorer", "Incident explorer")
        assert_page_healthy(page)
        # The newest incident is open to begin with; the hostile one only once it is searched for.
        expect(page.get_by_role("heading", name="OPS-3", exact=True)).to_be_visible()

        search = page.get_by_role("textbox", name="Search")
        search.fill("pwned")
        search.press("Enter")
        expect(page.get_by_role("heading", name=HOSTILE_KEY, exact=True)).to_be_visible()
        wait_for_app(page, "Incident explorer")
        assert_page_healthy(page)

        summary = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p').filter(
            has_text="<script>")
        expect(summary).to_have_count(1)
        expect(summary).to_be_visible()
        assert summary.inner_text() == HOSTILE, "the summary should show exactly as typed"

        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.evaluate("""() => ({
            scripts: document.querySelectorAll('[data-testid="stMain"] script').length,
            images: document.querySelectorAll('img[src="x"], img[onerror]').length,
            links: document.querySelectorAll('a[href^="javascript:" i]').length})""") == {
            "scripts": 0, "images": 0, "links": 0}
    assert not t.dialogs, t.dialogs
    assert not [url for url in t.requests if urlparse(url).path.endswith("/x")], "the <img> was rendered"
    assert not t.errors, t.errors
    assert not t.outside, f"requests beyond the server: {t.outside}"
    assert_server_quiet(servers.hostile)


def test_follow_through_by_team_draws_readable_panels(servers, tab, tmp_path):
    """?by=team: one panel per team, titled with it, every label clear of the others."""
    t = tab(servers.demo)
    with t.evidence("follow_through_by_team"):
        page = t.open("/follow_through?by=team", "Follow-through")
        wait_for_charts(page, 2)
        expect(page.get_by_role("switch", name="By team")).to_be_checked()
        assert page.locator('.js-plotly-plot').first.locator('.annotation-text').count() >= 2
        assert_charts_readable(page)
        full_page_screenshot(page, (SCREENSHOTS or tmp_path) / "follow_through_by_team.png")
    assert not t.errors, t.errors
    assert_server_quiet(servers.demo)


def test_an_issue_key_opens_the_explorer_and_jira_is_a_click_further(servers, databases, tab):
    """A click on a stalled item's key opens the explorer, in a new tab, on the incident it was filed
    for, even one before the sidebar's period; there, Open in Jira links to the incident in Jira."""
    t = tab(servers.demo)
    with t.evidence("key_to_explorer"):
        page = t.open("/stalls", "Strategic stalls")
        wait_for_charts(page, 2)
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.locator("canvas").first.bounding_box()
        # The first row whose item was filed for an incident (a few are tied to none and keep
        # their Jira link), as the grid lists it for assistive technology once it has drawn:
        # its row and address.
        wait_for_grid(grid, cells=True)
        row, link = grid.evaluate("""grid => [...grid.querySelectorAll('td[aria-colindex="1"]')]
            .map(td => [Number(td.closest('tr').getAttribute('aria-rowindex')), td.textContent])
            .find(([, text]) => text.startsWith('explorer?'))""")
        linked = re.fullmatch(r"explorer\?incident=([^&]+)&item=(.+)", link)
        assert linked, f"a stalled item's link is {link!r}"
        incident, item = linked.groups()
        # On the key's text in that row (rows of 35 px under the 36 px header; aria-rowindex 2 is
        # the first); the grid opens a link only when the pointer has come over its text first.
        # noopener: a new page, not a popup.
        y = box["y"] + 36 + 35 * (row - 2) + 17
        page.mouse.move(box["x"] + 30, y)
        with t.context.expect_page() as opened:
            page.mouse.click(box["x"] + 30, y)
        explorer = opened.value
        wait_for_app(explorer, "Incident explorer")
        expect(explorer.get_by_role("heading", name=incident, exact=True)).to_be_visible()
        expect(explorer.get_by_text(f"Opened from action item {item}")).to_be_visible()
        jira = sql(databases.demo, "SELECT url FROM marts.incidents WHERE issue_key = ?", [incident])[0][0]
        expect(explorer.get_by_role("link", name="Open in Jira")).to_have_attribute("href", jira)

        oldest = sql(databases.demo, "SELECT issue_key FROM marts.incidents ORDER BY created_at LIMIT 1")[0][0]
        explorer.goto(f"{servers.demo.url}/explorer?incident={oldest}")
        wait_for_app(explorer, "Incident explorer")
        expect(explorer.get_by_role("heading", name=oldest, exact=True)).to_be_visible()
    assert not t.errors, t.errors
    assert_server_quiet(servers.demo)


def test_a_share_a_table_leaves_the_browser_to_print_reads_as_the_headlines_write_it(servers, tab):
    """A table sends a share column as percentages for the browser to print (PRINTED_PERCENT) only
    when every cell then reads as style.percent writes it. Checked here with the formatter the
    browser's grid uses, Streamlit's formatNumber module, on every share in steps of 0.1 %, thirds
    and sevenths, and the edges where the rule changes."""
    import pandas as pd
    import streamlit

    from followthrough.views import PRINTED_PERCENT, _printed_percent
    shares = sorted({k / 1000 for k in range(1001)} | {k / 3 for k in range(4)} | {k / 7 for k in range(8)}
                    | {0.00049, 0.0005, 0.0094, 0.0095, 0.0099, 0.995, 0.9951, 0.99949, 0.9995, 0.125, 0.875})
    printed = {s: float(numbers.iloc[0]) for s in shares if (numbers := _printed_percent(pd.Series([s]))) is not None}
    # Most shares are printed; the few that are not go through a Styler (test_table_shares.py).
    assert len(printed) > 0.95 * len(shares)
    assert 0.00049 not in printed and 0.0099 not in printed and 0.9995 not in printed
    (module,) = (Path(streamlit.__file__).parent / "static" / "static" / "js").glob("formatNumber.*.js")
    t = tab(servers.demo)
    page = t.open("/data_health", "Data health")
    shown = page.evaluate("""async ([module, format, numbers]) => {
        const exported = Object.values(await import('/static/js/' + module));
        // The module's number formatter: the export that writes a share with the "percent" preset.
        const format_number = exported.find(f => typeof f === 'function' && f.length === 3 && f(0.25, 'percent') === '25%');
        return numbers.map(n => format_number(n, format));
    }""", [module.name, PRINTED_PERCENT, list(printed.values())])
    assert dict(zip(printed, shown, strict=True)) == {s: percent(s) for s in printed}
    assert not t.errors, t.errors


def test_the_incident_update_downloads_are_the_command_s_files(servers, databases, tab, tmp_path):
    """The explorer's three update downloads are what `etl report --incident` writes, and the HTML
    one opens with every request refused."""
    t = tab(servers.demo)
    with t.evidence("incident-update"):
        page = t.open("/explorer", "Incident explorer")
        show_a_telling_incident(page, databases.demo)
        key = page.get_by_role("combobox", name="Incident to look at").input_value()
        downloaded = {}
        for label in ("Update as Markdown", "Update as HTML", "Update's tables as CSV (zip)"):
            with page.expect_download() as started:
                page.get_by_role("button", name=label).click()
            done = started.value
            assert done.failure() is None, done.failure()
            done.save_as(tmp_path / done.suggested_filename)
            downloaded[done.suggested_filename] = (tmp_path / done.suggested_filename).read_bytes()
        names = [f"Incident update {key}{suffix}" for suffix in (".md", ".html", ".zip")]
        assert sorted(downloaded) == sorted(names)
        with environment(FOLLOWTHROUGH_DB=str(databases.demo)):
            assert main(["report", "--incident", key, "--out", str(tmp_path / "cli")]) == 0
        for name in names[:2]:
            assert (tmp_path / "cli" / name).read_bytes() == downloaded[name], name
        with zipfile.ZipFile(tmp_path / "cli" / names[2]) as cli, zipfile.ZipFile(tmp_path / names[2]) as page_zip:
            assert {n: cli.read(n) for n in cli.namelist()} == {n: page_zip.read(n) for n in page_zip.namelist()}
    assert not t.errors, t.errors
    assert not t.outside, f"requests beyond the server: {t.outside}"

    with offline_page(t.context.browser) as offline:
        report = offline.page
        report.goto((tmp_path / names[1]).as_uri())
        expect(report.get_by_role("heading", name=f"Incident update {key}", level=1)).to_be_visible()
        assert report.locator("table").count() >= 4
        report.screenshot(path=str((SCREENSHOTS or tmp_path) / "incident_update.png"), full_page=True,
                          animations="disabled")
        assert not offline.refused, f"the report tried to load {offline.refused}"
        assert not offline.errors, offline.errors
