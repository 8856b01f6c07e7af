"""Helpers for the browser tests: the real `streamlit run` server, Debian's chromium, and waits on
what the page says about itself instead of sleeps.

Streamlit marks its state in the DOM: `[data-testid=stApp]` carries `data-test-script-state`
(`initial`, `running`, `notRunning`, ...), elements left over from an earlier run carry
`data-stale="true"`, and an element whose code is still loading shows a `stSkeleton`. Plotly
charts load plotly.js lazily after the script has finished, so they are waited for on their own.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
STARTUP_SECONDS = 60
PAGE_MS = 45_000          # one page: script run, lazy components, charts; generous for a loaded 2-core box
VIEWPORT = {"width": 1400, "height": 900}


@contextmanager
def environment(**values: str | None):
    """Sets (or, with None, removes) environment variables and puts back what was there before."""
    saved = {name: os.environ.get(name) for name in values}
    try:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` on a free port (or `port`), reading `db`; its output goes to `log`.
    With `secrets`, Streamlit reads that file instead of .streamlit/secrets.toml (sign-in needs the
    port before it starts: it is in the redirect URI)."""

    def __init__(self, db: Path, log: Path, *, port: int | None = None, secrets: Path | None = None):
        self.db, self.log_path = db, log
        self.port = port or free_port()
        self.pages_opened = 0     # counted by the tests, so one can tell it opens the first page
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith("FOLLOWTHROUGH_")}
        env.update(FOLLOWTHROUGH_DB=str(db), PYTHONUNBUFFERED="1")
        self._log = open(log, "wb")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port),
             "--server.address", "127.0.0.1", "--server.headless", "true",
             "--browser.gatherUsageStats", "false",
             # Nothing reruns or offers to rerun if a source file changes while the tests run.
             "--server.fileWatcherType", "none",
             *(["--secrets.files", str(secrets)] if secrets else [])],
            cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def wait_until_healthy(self, deadline: float) -> None:
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"streamlit exited with code {self.process.returncode}:\n{self.log()}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not answer {self.url}/_stcore/health within "
                                   f"{STARTUP_SECONDS} s:\n{self.log()}")
            time.sleep(0.2)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        self._log.close()

    def errors_logged(self) -> list[str]:
        """Lines of the server's log that report an error or a traceback."""
        return [line for line in self.log().splitlines()
                if re.search(r"\b(ERROR|CRITICAL)\b|Traceback", line)]


def start_servers(*specs: tuple[Path, Path] | Server) -> list[Server]:
    """Starts one server per (database, log), or takes one already started, and waits until all
    answer, or stops them all."""
    servers = [spec if isinstance(spec, Server) else Server(*spec) for spec in specs]
    deadline = time.monotonic() + STARTUP_SECONDS
    try:
        for server in servers:
            server.wait_until_healthy(deadline)
    except BaseException:
        for server in servers:
            server.stop()
        raise
    return servers


# -- waiting on the page ------------------------------------------------------------------------

_APP_IDLE = """title => {
    const app = document.querySelector('[data-testid="stApp"]');
    if (!app || app.dataset.testScriptState !== 'notRunning' || app.dataset.testConnectionState !== 'CONNECTED')
        return false;
    if (document.querySelector('[data-testid="stStatusWidget"], [data-testid="stSkeleton"], [data-stale="true"]'))
        return false;
    return [...document.querySelectorAll('[data-testid="stMain"] h1')].some(h => h.textContent.trim() === title);
}"""

# Every chart under `root` has its SVG, a layout drawn at its container's width, and one drawn
# trace group per visible trace (a heatmap draws an image in a `.hm` group).
_CHARTS_DRAWN = """([root, count]) => {
    const plots = [...document.querySelectorAll(root + ' .js-plotly-plot')];
    return plots.length === count && plots.every(p =>
        p._fullLayout && p._fullData && p.querySelector('svg.main-svg') &&
        Math.abs(p._fullLayout.width - p.parentElement.getBoundingClientRect().width) <= 1 &&
        p.querySelectorAll('.cartesianlayer .trace, .cartesianlayer .hm').length >=
            p._fullData.filter(t => t.visible === true).length);
}"""

# The layout has settled: the page's height and every chart's and table's box unchanged for 10
# animation frames in a row. Gives up (false) after 1,200 frames, about 20 s.
_SETTLED = """() => new Promise(resolve => {
    const main = document.querySelector('[data-testid="stMain"]');
    const shape = () => JSON.stringify([
        main ? main.scrollHeight : document.documentElement.scrollHeight,
        [...document.querySelectorAll('.js-plotly-plot, [data-testid="stDataFrame"]')].map(e => {
            const r = e.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; })]);
    let last = shape(), same = 0, frames = 0;
    const tick = () => {
        const now = shape();
        same = now === last ? same + 1 : 0;
        last = now;
        if (same >= 10) resolve(true);
        else if (++frames > 1200) resolve(false);
        else requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
})"""


def wait_for_app(page, title: str, timeout: float = PAGE_MS) -> None:
    """Waits until the script has finished, nothing is stale or loading, and the page's h1 shows."""
    page.wait_for_function(_APP_IDLE, arg=title, timeout=timeout, polling=100)


def wait_for_charts(page, count: int, root: str = '[data-testid="stMain"]', timeout: float = PAGE_MS) -> None:
    """Waits until exactly `count` Plotly charts under `root` are drawn at their final width."""
    page.wait_for_function(_CHARTS_DRAWN, arg=[root, count], timeout=timeout, polling=100)


def chart_count(page, root: str = '[data-testid="stMain"]') -> int:
    return page.locator(f"{root} .js-plotly-plot").count()


_GRID_DRAWN = """(grid, [cells, timeout]) => new Promise((resolve, reject) => {
    const started = performance.now();
    const drawn = () => grid.querySelector('canvas [role="columnheader"]')
        && (!cells || grid.querySelector('canvas td[aria-colindex="1"]'));
    const check = () => {
        if (!grid.checkVisibility() || drawn()) resolve();
        else if (performance.now() - started > timeout) reject(new Error('the table never drew itself'));
        else requestAnimationFrame(check);
    };
    check();
})"""


def wait_for_grid(grid, cells: bool = False, timeout: float = PAGE_MS) -> None:
    """Waits until a table (a stDataFrame locator) has drawn its header, and with `cells` its first
    column's cells, as it lists them for assistive technology: reading it sooner reads nothing.
    A table that is not visible (in a closed expander) draws nothing and is not waited for."""
    grid.evaluate(_GRID_DRAWN, [cells, timeout])


def wait_until_settled(page, timeout: float = PAGE_MS) -> None:
    """Fonts loaded (else icons show as their ligature names) and the layout no longer moving."""
    page.wait_for_function("document.fonts.status === 'loaded'", timeout=timeout)
    assert page.evaluate(_SETTLED), "the page's layout kept changing for 20 s"


def full_page_screenshot(page, path: Path) -> None:
    """Streamlit scrolls inside its main pane, not the document, so a full-page screenshot is taken
    with the viewport made as tall as that pane's content; the viewport is put back afterwards."""
    height = page.evaluate("document.querySelector('[data-testid=\"stMain\"]').scrollHeight")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], height)})
    try:
        wait_until_settled(page)
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True, animations="disabled", caret="hide")
    finally:
        page.set_viewport_size(size)


@contextmanager
def offline_page(browser):
    """A page that may load file:// addresses only, as an exported file opened from a mail client
    without network: what it asks of the network is refused and listed (`refused`), and its
    script errors listed (`errors`)."""
    context = browser.new_context(viewport=VIEWPORT)
    refused: list[str] = []
    errors: list[str] = []

    def only_files(route):
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()
    try:
        context.route("**/*", only_files)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        yield SimpleNamespace(page=page, refused=refused, errors=errors)
    finally:
        context.close()
