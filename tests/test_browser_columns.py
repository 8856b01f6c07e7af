"""The columns a manager needs are in view at a 1400-pixel window, measured in Chromium: on the
pages as `streamlit run` serves them, each needed column's header lies inside the table's visible
area without scrolling it sideways, and its title is drawn whole.

st.dataframe is glide-data-grid, which draws on canvases: the columns in its visible region are
listed for assistive technology (role=columnheader), the lines it draws between columns give their
edges, and the title's ink on the header canvas and its width in the header's font (measureText)
say whether the title fits. Nothing here reads the widths the code asks for; test_pages_columns.py
adds those up.
"""
from __future__ import annotations


import pytest
from playwright.sync_api import sync_playwright

from browser_support import (CHROMIUM, CHROMIUM_ARGS, PAGE_MS, VIEWPORT, start_servers, wait_for_app, wait_for_grid,
                             wait_until_settled)

pytestmark = pytest.mark.browser

# page path, its h1, then per table: what tells it apart among the page's tables (by the titles in
# view), and the titles that must be in view
PAGES = [
    ("/stalls", "Strategic stalls", [
        ("stalled items", lambda t: "Days unchanged" in t,
         ["Owner", "Team", "Days unchanged", "Incidents since filed", "Filed (UTC)"]),
        ("aged items", lambda t: "Days open" in t and "Owner" in t, ["Owner", "Team", "Days open"]),
        ("items without an owner", lambda t: "Days open" in t and "Owner" not in t, ["Team", "Days open"]),
    ]),
    ("/recurrence", "Recurrence", [
        ("repeats", lambda t: "Repeat" in t, ["Repeats", "Earlier items open", "Which items"]),
    ]),
    ("/quarterly", "Quarterly review", [
        ("stalled items", lambda t: "Days unchanged" in t,
         ["Owner", "Team", "Days unchanged", "Incidents since filed", "Cost of delay"]),
    ]),
]

HEADER = """(grid) => {
    // One st.dataframe's header as drawn: the columns glide-data-grid lists for assistive
    // technology (only those in its visible region), their edges found as the full-height
    // vertical lines it draws between columns, and per column where the title's ink lies and how
    // wide the title is in the header's font.
    const canvas = grid.querySelector('canvas[data-testid="data-grid-canvas"]');
    if (!canvas) return null;
    const titles = [...canvas.querySelectorAll('[role="columnheader"]')]
        .sort((a, b) => a.getAttribute('aria-colindex') - b.getAttribute('aria-colindex'))
        .map(h => h.textContent);
    const { width, height } = canvas;
    const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
    const at = (x, y) => pixels.slice((y * width + x) * 4, (y * width + x) * 4 + 3).join(',');
    const style = getComputedStyle(canvas);
    const padding = parseFloat(style.getPropertyValue('--gdg-cell-horizontal-padding'));
    const font = `${style.getPropertyValue('--gdg-header-font-style')} ${style.getPropertyValue('--gdg-font-family')}`;
    const background = at(2, 2);
    // The header band: from below its top edge down to where the first row's line starts.
    let bottom = 2;
    while (bottom < height && at(2, bottom) === background) bottom++;
    const band = [3, bottom - 3];
    const lines = [];
    for (let x = 1; x < width; x++) {
        const colour = at(x, band[0]);
        if (colour === background) continue;
        let y = band[0];
        while (y <= band[1] && at(x, y) === colour) y++;
        if (y > band[1]) lines.push(x);
    }
    const edges = [0, ...lines];
    // The titles are drawn on a canvas of the header's height laid over the grid's.
    const header = [...grid.querySelectorAll('canvas')].find(c => c !== canvas && c.width === width);
    const ink = header.getContext('2d').getImageData(0, 0, width, header.height).data;
    const paper = [...ink.slice(((band[0]) * width + 2) * 4, ((band[0]) * width + 2) * 4 + 3)].join(',');
    const inked = (x, y) => ink.slice((y * width + x) * 4, (y * width + x) * 4 + 3).join(',') !== paper
        && !lines.includes(x);
    const measure = document.createElement('canvas').getContext('2d');
    measure.font = font;
    const columns = titles.map((title, i) => {
        const left = edges[i], right = i + 1 < edges.length ? edges[i + 1] : width;
        let inkLeft = null, inkRight = null;
        for (let x = left + 1; x < right; x++)
            for (let y = band[0]; y <= band[1]; y++)
                if (inked(x, y)) { inkLeft ??= x; inkRight = x; break; }
        return { title, left, right, whole: i + 1 < edges.length, inkLeft, inkRight,
                 textWidth: measure.measureText(title).width };
    });
    const scroller = grid.querySelector('.dvn-scroller');
    return { band, columns, padding, font, width, scrollLeft: scroller ? scroller.scrollLeft : null,
             scrollWidth: scroller ? scroller.scrollWidth : null };
}"""


@pytest.fixture(scope="module")
def server(demo_db, tmp_path_factory):
    [running] = start_servers((demo_db, tmp_path_factory.mktemp("columns") / "server.log"))
    yield running
    running.stop()


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = chromium.new_context(viewport=VIEWPORT, locale="en-GB", timezone_id="UTC", reduced_motion="reduce")
        context.set_default_timeout(PAGE_MS)
        yield context.new_page()
        chromium.close()


def drawn_headers(page) -> list[dict]:
    """Every table's header as drawn, each scrolled into view first (the grid draws what is on
    screen), with the pointer away from it (a hovered header draws its menu over the title)."""
    page.mouse.move(0, 0)
    headers = []
    grids = page.locator('[data-testid="stDataFrame"]')
    for n in range(grids.count()):
        grids.nth(n).scroll_into_view_if_needed()
        wait_for_grid(grids.nth(n))
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        drawn = grids.nth(n).evaluate(HEADER)
        if drawn is not None:
            headers.append(drawn | {"box": grids.nth(n).bounding_box()})
    return headers


@pytest.mark.parametrize("path, title, tables", PAGES, ids=[p[0] for p in PAGES])
def test_the_key_columns_are_in_view_and_whole_at_1400_pixels(server, page, path, title, tables):
    page.goto(server.url + path)
    wait_for_app(page, title)
    wait_until_settled(page)
    headers = drawn_headers(page)
    main = page.locator('[data-testid="stMain"]').bounding_box()
    for what, tells_apart, needed in tables:
        drawn = next((h for h in headers if tells_apart([c["title"] for c in h["columns"]])), None)
        assert drawn is not None, f"no table of {what} on {path}: {[[c['title'] for c in h['columns']] for h in headers]}"
        assert drawn["scrollLeft"] == 0
        assert drawn["box"]["x"] + drawn["box"]["width"] <= min(VIEWPORT["width"], main["x"] + main["width"])
        columns = {c["title"]: c for c in drawn["columns"]}
        for name in needed:
            assert name in columns, f"{name!r} is outside the visible part of the table on {path}"
            column = columns[name]
            assert column["whole"] and column["right"] <= drawn["width"], f"{name!r} is cut at the table's edge"
            assert column["left"] + drawn["padding"] + column["textWidth"] <= column["right"], (
                f"{name!r} needs {column['textWidth']:.0f} px after its {drawn['padding']:.0f} px padding; "
                f"its column is {column['right'] - column['left']} px")
            assert column["inkRight"] is not None and column["inkRight"] < column["right"] - 1, (
                f"the title {name!r} is drawn up to its column's edge: cut")
