"""Web addresses in Jira text stay text in the browser: a summary is written by anyone with a Jira
account, and a link the dashboard drew would look like one the dashboard vouches for.

The Markdown renderer links bare addresses after escapes are resolved, so escaping alone does not
stop it; this drives the real `streamlit run app.py` in Debian's chromium to see what it draws.
"""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect, sync_playwright

from browser_support import CHROMIUM, CHROMIUM_ARGS, PAGE_MS, VIEWPORT, environment, start_servers, wait_for_app
from etl.cli import main
from etl.config import DEMO_CONFIG

pytestmark = pytest.mark.browser

SUMMARY = ("See https://evil.example/x or [x](https://evil.example), www.evil.example and "
           "mallory@evil.example")


def _incident(summary: str) -> dict:
    """A Jira v2 incident shaped as the demo configuration reads it."""
    return {"id": "600001", "key": "OPS-1", "self": "https://demo.followthrough.invalid/rest/api/2/issue/600001",
            "fields": {"summary": summary, "issuetype": {"name": "Incident"}, "project": {"key": "OPS"},
                       "status": {"name": "Open", "statusCategory": {"key": "new"}},
                       "created": "2026-05-01T10:00:00.000+0000", "updated": "2026-05-01T10:00:00.000+0000",
                       "labels": [], "components": [{"name": "checkout"}],
                       "customfield_10100": {"value": "Sev 2"}, "customfield_10200": {"value": "Payments"}}}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("jira-text")
    published = root / "followthrough.duckdb"
    source = root / "issues.ndjson"
    source.write_text(json.dumps(_incident(SUMMARY)) + "\n")
    with environment(FOLLOWTHROUGH_DB=str(published), FOLLOWTHROUGH_WAREHOUSE=str(root / "warehouse.duckdb"),
                     FOLLOWTHROUGH_CONFIG=None):
        assert main(["--config", str(DEMO_CONFIG), "import-json", str(source), "--as-of", "2026-07-01T00:00:00"]) == 0
    (started,) = start_servers((published, root / "server.log"))
    yield started
    started.stop()


def test_web_addresses_in_a_summary_are_not_links(server):
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport=VIEWPORT)
            page.set_default_timeout(PAGE_MS)
            page.goto(f"{server.url}/explorer")
            wait_for_app(page, "Incident explorer")
            expect(page.get_by_role("heading", name="OPS-1", exact=True)).to_be_visible()

            summary = page.locator('[data-testid="stMain"] [data-testid="stMarkdownContainer"] p').filter(
                has_text="evil")
            expect(summary).to_have_count(1)
            # What the reader sees is the summary as typed; what they copy may hold invisible joiners.
            assert summary.inner_text().replace("\u2060", "") == SUMMARY
            assert page.locator('a[href*="evil.example"]').count() == 0
            assert summary.locator("a").count() == 0
        finally:
            browser.close()
    assert not server.errors_logged(), server.errors_logged()
