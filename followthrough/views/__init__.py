"""What the pages show: each module reads its page's queries and builds its charts and tables.

The helpers here keep the pages alike: tables are capped and say so, keep their keys, names, dates
and numbers in view, show a dash for a missing value and shares as the headlines do, Jira issues
are links that read as their key and open the Incident explorer (Jira is a click further, from
there), and every chart gets the same toolbar.
"""
from __future__ import annotations

import hashlib
import html
import re
from urllib.parse import quote

import pandas as pd
import streamlit as st

from followthrough.db import database_identity, query
from followthrough.style import PLOTLY_CONFIG, percent
from followthrough.style import ROW_LIMIT as ROW_LIMIT  # the views read it from here; the publish from style

# The hover of a Kaplan-Meier curve's point (custom_data: items at risk). Worded so no count needs
# a plural, which the curve's thousands of points would otherwise each carry as text.
STILL_OPEN_HOVER = ("%{fullData.name}, day %{x}: %{y:.0%} still open<br>"
                    "items open at the start of the day: %{customdata[0]:,}<extra></extra>")
# What a table shows for a missing value, instead of Streamlit's "None".
MISSING = "–"
DATETIME = "D MMM YYYY, HH:mm"


class Width:
    """Column widths in pixels, each enough for what such a column holds and its title. Summaries
    get what the other columns leave of PANE, the main pane at a 1400-pixel window, so on a table
    too wide for it the summary is cut short rather than the columns after it."""
    KEY = 85
    SHORT = 90          # a severity, class, team, state or small count
    STATUS = 105
    NAME = 140          # a person or a service
    DATE = 105
    DATETIME = 145
    NUMBER = 110        # a number under a title of two or three words
    PANE = 940
    SUMMARY_AT_LEAST = 220
    NAMED = {"small": 75, "medium": 200, "large": 400}


# The Incident explorer's address (app.py's page of app_pages/explorer.py), relative so that it
# also works under a base path; ?incident= opens an incident, &item= names the item that led there.
EXPLORER = "explorer"
_JIRA_KEY = re.compile(r"/browse/([^/?#]+)$")
# Shows the key an address ends with: a Jira one, or the explorer's incident or item.
_SHOWN_KEY = r"(?:/browse/|[?&]incident=|&item=)([^/?#&]+)$"


def issue_link(label: str = "Issue", help: str | None = None, *, to_jira: bool = False):
    """A Jira issue's column, shown as its key. It opens the Incident explorer on the incident (an
    action item's: the incident it was filed for; see table()), or with `to_jira`, Jira itself."""
    return st.column_config.LinkColumn(label, display_text=_JIRA_KEY.pattern if to_jira else _SHOWN_KEY,
                                       help=help, width=Width.KEY)


def _to_explorer(urls: pd.Series) -> pd.Series:
    """Jira addresses as explorer addresses: an incident opens itself, an action item the incident it
    was filed for; an item tied to no incident, or an address that names no key, keeps its Jira link.
    Kept between reruns, keyed by a hash of every address: worked out anew it was most of a warm
    Quarterly review's stalled table at 1,000,000 issues (24 of 34 ms for 11,837 items), and
    st.cache_data hashes a Series of 50,000 rows or more by a sample of its rows."""
    rows = pd.util.hash_pandas_object(urls, index=False).to_numpy()
    digest = hashlib.blake2b(rows.tobytes(), digest_size=16).hexdigest()
    return _explorer_links(database_identity(), digest, urls).set_axis(urls.index)


@st.cache_data(max_entries=256, show_spinner=False)
def _explorer_links(database: tuple, digest: str, _urls: pd.Series) -> pd.Series:
    # `database` is only a key: which incident an item opens is read from the published file.
    keys = _urls.astype("str").str.extract(_JIRA_KEY, expand=False)
    wanted = keys.dropna().unique()
    if not len(wanted):
        return _urls
    # One text, not a list: the query cache hashes a list item by item in Python, which was a sixth
    # of a warm Quarterly review at 1,000,000 issues (12,000 keys).
    opens = query("explorer_opens", keys="\n".join(wanted)).dropna().set_index("issue_key")["incident_key"]
    incidents = keys.map(opens).astype("str")
    opened = incidents.notna()
    if not opened.any():
        return _urls
    links = EXPLORER + "?incident=" + _quoted(incidents[opened])
    links = links.where(incidents[opened] == keys[opened], links + "&item=" + _quoted(keys[opened]))
    return _urls.astype(object).mask(opened, links)


def _quoted(values: pd.Series) -> pd.Series:
    """quote(v, safe=""), applied only where it changes something: Jira keys need no quoting."""
    odd = ~values.str.fullmatch(r"[A-Za-z0-9_.~-]+")
    if not odd.any():
        return values
    return values.mask(odd, values[odd].map(lambda v: quote(v, safe="")))


def action_item_columns(period: str) -> dict:
    """The columns of every table of a period's action items (followthrough/queries/period_action_items.sql),
    in order; `period` ("period", "quarter") names what "at its end" means."""
    return {
        "url": issue_link("Item"),
        "summary": "Summary",
        "class": st.column_config.TextColumn("Class", width=Width.SHORT),
        "owner": st.column_config.TextColumn("Owner", width=Width.NAME),
        "team": st.column_config.TextColumn("Team", width=Width.SHORT),
        "incident_key": st.column_config.TextColumn("Incident", width=Width.KEY),
        "status": st.column_config.TextColumn("Status now", width=Width.STATUS),
        "created_at": st.column_config.DatetimeColumn("Filed (UTC)", format=DATETIME, width=Width.DATETIME),
        "due_date": st.column_config.DateColumn("Due", format="D MMM YYYY", width=Width.DATE),
        "closed_at": st.column_config.DatetimeColumn("Closed (UTC)", format=DATETIME, width=Width.DATETIME,
                                                   help=f"Closed by the {period}'s end."),
        "is_open": st.column_config.CheckboxColumn("Open at end", help=f"Open at the {period}'s end.",
                                                   width=Width.SHORT),
        "is_overdue": st.column_config.CheckboxColumn("Overdue at end", help=f"Overdue at the {period}'s end.",
                                                      width=Width.SHORT),
        "is_stalled": st.column_config.CheckboxColumn("Stalled at end", help=f"Stalled at the {period}'s end.",
                                                      width=Width.SHORT),
    }


ACTION_ITEM_ORDER = "overdue, then stalled, then open items first, oldest first"


def incident_columns(**more) -> dict:
    """The columns of every table of incidents, in order, with `more` (column -> its config)
    before the incident it repeats."""
    return {
        "url": issue_link("Incident"),
        "summary": "Summary",
        "severity": st.column_config.TextColumn("Severity", width=Width.SHORT),
        "service": st.column_config.TextColumn("Service", width=Width.NAME),
        "team": st.column_config.TextColumn("Team", width=Width.SHORT),
        "status": st.column_config.TextColumn("Status", width=Width.STATUS),
        "created_at": st.column_config.DatetimeColumn("Opened (UTC)", format=DATETIME, width=Width.DATETIME),
        **more,
        "repeat_of": st.column_config.TextColumn("Repeat of", help="The earlier incident it repeats.",
                                                 width=Width.KEY),
    }


DAYS_TO_RESOLVE = st.column_config.NumberColumn("Days to resolve", format="%.1f", width=Width.NUMBER)


def chart(fig) -> None:
    st.plotly_chart(fig, config=PLOTLY_CONFIG)


def cached_figure(build):
    """For a function that builds a figure from data alone. Plotly Express spends some 40 ms on
    each figure at every rerun, most of a page whose queries are cached. The figure itself is
    cached, not its JSON: st.plotly_chart validated a dict anew at every rerun, building a Figure
    and its template again (30 ms a Quarterly review), while it only copies a Figure. A resource,
    because a cached result is unpickled at every use, which validates it too; it is shared and
    never changed: st.plotly_chart and plotly.io copy it before they touch it. Streamlit keys the
    cache by the builder's name and source, so builders never share entries."""
    return st.cache_resource(show_spinner=False, max_entries=256)(build)


def table(rows: pd.DataFrame, columns: dict) -> None:
    """st.dataframe of `columns` (column -> st.column_config, or just its title), in that order.
    Summary columns share the width the others leave, a missing value shows as a dash, and a share
    (a NumberColumn with format "percent") reads as style.percent writes it in the headlines."""
    columns = {c: st.column_config.TextColumn(config) if isinstance(config, str) else config
               for c, config in columns.items()}
    explored = [c for c, config in columns.items()
                if config.get("type_config", {}).get("display_text") == _SHOWN_KEY and c in rows.columns]
    if explored:
        rows = rows.assign(**{c: _to_explorer(rows[c]) for c in explored})
    summaries = [c for c, config in columns.items() if _is_summary(c) and config.get("width") is None]
    others = sum(_width(config) for c, config in columns.items() if c not in summaries)
    if summaries:
        width = max(Width.SUMMARY_AT_LEAST, (Width.PANE - others) // len(summaries))
        columns = columns | {c: columns[c] | {"width": width} for c in summaries}
    # column_order only hides the others: they would still be sent to the browser.
    data = rows = rows[[c for c in columns if c in rows.columns]]
    shares = [c for c, config in columns.items() if config.get("type_config", {}).get("format") == "percent"
              and c in rows.columns]
    printed = {c: numbers for c in shares if (numbers := _printed_percent(rows[c])) is not None}
    if printed:
        data = rows = rows.assign(**printed)
        columns = columns | {c: _formatted(columns[c], PRINTED_PERCENT) for c in printed}
    if styled := [c for c in shares if c not in printed]:
        # Styler display values keep the column numeric, so it still sorts by the share.
        columns = columns | {c: _formatted(columns[c], None) for c in styled}
        data = rows.style.format(percent, subset=styled)
    st.dataframe(data, column_order=list(columns), column_config=columns, hide_index=True, placeholder=MISSING)


# The browser's printf (sprintf-js) writes %g without a precision as JavaScript's String() does.
PRINTED_PERCENT = "%g%%"


def _printed_percent(shares: pd.Series) -> pd.Series | None:
    """A column of shares as the percentages style.percent writes (12% is 12.0), when the browser
    prints every one of them as it does; None when one reads otherwise ("<0.1%", "1.0%"), and the
    column goes through a Styler. A Styler, the only way to show a text and sort by the number, cost
    45 ms at every rerun of the Quarterly review at 1,000,000 issues (1,456 recurring services)."""
    text = shares.map(percent).astype(object)
    numbers = pd.to_numeric(text.str.removesuffix("%"), errors="coerce")
    printed = numbers.map(lambda n: _javascript_number(n) + "%", na_action="ignore").astype(object)
    printed = printed.where(shares.notna(), MISSING)
    return numbers if printed.eq(text).all() else None


def _javascript_number(value: float) -> str:
    """JavaScript's String() of a number between 1e-4 and 1e16: Python's repr, the same shortest form
    that reads back as the number, without its ".0"."""
    return repr(float(value)).removesuffix(".0")


def _formatted(config: dict, number_format: str | None) -> dict:
    return config | {"type_config": config["type_config"] | {"format": number_format}}


def _is_summary(column: str) -> bool:
    return column == "summary" or column.endswith("_summary")


def _width(config: dict) -> int:
    width = config.get("width")
    return Width.NAMED.get(width, width) if width is not None else Width.SHORT


def capped_table(rows: pd.DataFrame, columns: dict, *, what: str, order: str) -> None:
    """Rows from a query limited to ROW_LIMIT that also returns `total_rows`, the uncapped count.

    `columns` maps the columns to show, in order, to their st.column_config (or a title).
    """
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    if total > len(rows):
        st.caption(f"The first {len(rows):,} of {total:,} {what}, {order}.")
    table(rows, columns)


def first_row(rows: pd.DataFrame) -> dict:
    """A one-row query's values, with NULLs as None so the number formats show a dash."""
    return {k: (None if pd.isna(v) else v) for k, v in rows.iloc[0].items()}


def chart_text(values: pd.Series) -> pd.Series:
    """Jira text for chart labels, legends and hovers: Plotly reads a subset of HTML there (links,
    styles), so it is escaped and shows exactly as typed."""
    return values.map(lambda v: v if v is None or pd.isna(v) else html.escape(str(v)))


def nothing_to_show(what: str) -> None:
    """The message for an empty page: a filter that matches nothing, or no data loaded at all."""
    st.info(f"{what} Widen the period or clear a filter in the sidebar. If nothing has been loaded "
            "yet, the Data health page says what the published database holds.")
