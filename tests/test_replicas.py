"""Drill for docs/deploy.md: several `streamlit run app.py` replicas serve one published file while
real publishes replace it. Two replicas read their own copy, delivered as deploy.md says (copied
to a temporary name beside it, then renamed over it); one reads the published file itself. Every
replica keeps answering its health endpoint and serving the Overview in Chromium without an
error, and after the last publish each shows the new figures."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from browser_support import CHROMIUM, CHROMIUM_ARGS, PAGE_MS, VIEWPORT, ROOT, start_servers, wait_for_app
from etl.config import DEMO_CONFIG

pytestmark = pytest.mark.browser

AS_OF = [datetime(2026, 10, day) for day in (1, 2, 3, 4)]   # one publish each
DRILL_SECONDS = 300      # the publishes and page fetches together, on a loaded 2-core box
MAX_FETCHES = 60


def etl(env: dict, *args: str) -> None:
    done = subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300)
    assert done.returncode == 0, done.stderr


def deliver(published: Path, copy: Path) -> None:
    """What deploy.md's rsync step does: a replica never sees a half-copied file."""
    partial = copy.with_name(f".{copy.name}.partial")
    shutil.copyfile(published, partial)
    os.replace(partial, copy)


def test_replicas_keep_answering_while_publishes_replace_the_file(tmp_path):
    published = tmp_path / "etl" / "followthrough.duckdb"
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")}
    env.update(FOLLOWTHROUGH_DB=str(published), FOLLOWTHROUGH_CONFIG=str(DEMO_CONFIG))
    etl(env, "demo", "--incidents", "200")   # big enough that a publish outlasts a page fetch
    env["FOLLOWTHROUGH_WAREHOUSE"] = str(published.with_name("demo-warehouse.duckdb"))
    copies = [tmp_path / f"replica-{n}" / "followthrough.duckdb" for n in (1, 2)]
    for copy in copies:
        copy.parent.mkdir()
        deliver(published, copy)
    servers = start_servers(*((db, tmp_path / f"server-{n}.log") for n, db in enumerate([*copies, published])))

    stop, health_failures, health_checks = threading.Event(), [], [0]

    def watch_health():
        while not stop.is_set():
            for server in servers:
                try:
                    with urllib.request.urlopen(f"{server.url}/_stcore/health", timeout=5) as response:
                        assert response.status == 200, response.status
                except Exception as exc:  # the drill counts every failure, whatever it is
                    health_failures.append(f"{server.url}: {exc!r}")
                health_checks[0] += 1
            time.sleep(0.2)

    publish_failures = []

    def publish(as_of: datetime):
        try:
            etl(env, "publish", "--as-of", as_of.isoformat())
            for copy in copies:
                deliver(published, copy)
        except BaseException as exc:  # reported by the main thread
            publish_failures.append(repr(exc))

    watcher = threading.Thread(target=watch_health)
    page_failures, fetches, overlapping = [], 0, {server.url: 0 for server in servers}
    try:
        watcher.start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)

            def overview(server) -> str:
                context = browser.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC")
                context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(server.url)
                              else route.abort())
                page = context.new_page()
                errors = []
                page.on("pageerror", lambda error: errors.append(str(error)))
                try:
                    page.goto(server.url + "/", timeout=PAGE_MS)
                    wait_for_app(page, "Overview")
                    if page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]').count():
                        errors.append("the page shows an error")
                    caption = page.locator('[data-testid="stSidebar"]').get_by_text("Figures as of").inner_text()
                except Exception as exc:  # noqa: BLE001 - counted like any other failure
                    errors.append(repr(exc))
                    caption = ""
                finally:
                    context.close()
                page_failures.extend(f"{server.url}: {e}" for e in errors)
                return caption

            # A replica's first page loads the charting libraries; the drill is about the pages after it.
            for server in servers:
                overview(server)
            deadline = time.monotonic() + DRILL_SECONDS
            for as_of in AS_OF:
                publisher = threading.Thread(target=publish, args=(as_of,))
                publisher.start()
                # Pages keep being fetched, replica after replica, until this publish is delivered.
                while fetches < MAX_FETCHES and time.monotonic() < deadline:
                    server = servers[fetches % len(servers)]
                    overlapping[server.url] += publisher.is_alive()
                    overview(server)
                    fetches += 1
                    if not publisher.is_alive():
                        break
                publisher.join(timeout=max(0.0, deadline - time.monotonic()))
                assert not publisher.is_alive(), f"the publishes took longer than {DRILL_SECONDS} s"
            assert publish_failures == []
            shown = [overview(server) for server in servers]
            browser.close()
    finally:
        stop.set()
        if watcher.is_alive():
            watcher.join()
        for server in servers:
            server.stop()
    assert all(overlapping.values()), f"pages fetched while a publish ran, per replica: {overlapping}"
    assert health_failures == [] and health_checks[0] > 3 * len(servers)
    assert page_failures == []
    assert shown == [f"Figures as of {AS_OF[-1]:%d %b %Y %H:%M} UTC."] * len(servers)
    assert [line for server in servers for line in server.errors_logged()] == []
