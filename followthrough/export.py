"""Reports to take away: Markdown to paste into an email or a wiki, one HTML file that opens
offline with its charts, and the tables as CSV. Pure functions: data in, text or bytes out.

Jira text ends up in places the dashboard does not control, so every cell and sentence is escaped
for the format it is written in, and only http(s) addresses become links.
"""
from __future__ import annotations

import html
import io
import math
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, time
from urllib.parse import quote

import pandas as pd
import plotly.io

# Inline Markdown syntax only: text never starts a line here (newlines are flattened), so block
# syntax such as "#" or "-" is harmless and left readable in the pasted text.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~&$])")
_WEB_URL = re.compile(r"^https?://[^\s\"'<>\\]+$", re.IGNORECASE)
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Table:
    """A table for a report. `links` pairs a key column with the column of its address: the key is
    shown as a link and the address column is not shown itself. `note` says what the table holds,
    for instance that the rest of its rows are in a CSV file."""
    title: str
    rows: pd.DataFrame
    note: str = ""
    links: tuple[tuple[str, str], ...] = (("issue_key", "url"),)


def web_url(url) -> str | None:
    """The address if it is an http(s) one, else None: a payload may carry any text as its link."""
    return url if isinstance(url, str) and _WEB_URL.match(url) else None


def markdown_report(title: str, meta: list[str], summary: list[str], tables: list[Table]) -> str:
    parts = [f"# {_md(title)}", "", *(_md(line) + "  " for line in meta), ""]
    if summary:
        parts += ["## Summary", "", *(f"- {_md(sentence)}" for sentence in summary), ""]
    for table in tables:
        parts += [f"## {_md(table.title)}", ""]
        if table.note:
            parts += [_md(table.note), ""]
        parts += [markdown_table(table.rows, table.links), ""]
    return "\n".join(parts)


def markdown_table(rows: pd.DataFrame, links=Table.links) -> str:
    columns, linked = _shown_columns(rows, links), dict(links)
    lines = ["| " + " | ".join(_md(_header(c)) for c in columns) + " |", "|" + " --- |" * len(columns)]
    for record in rows.to_dict("records"):
        cells = [_md_link(record[c], record.get(linked[c])) if c in linked else _md(_cell(record[c]))
                 for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def html_report(title: str, meta: list[str], summary: list[str], figures: list[tuple[str, object]],
                tables: list[Table]) -> str:
    """One self-contained page: plotly.js is inlined once, before the first chart, so the file
    opens offline and loads nothing from anywhere. A figure is a Plotly figure or its JSON dict."""
    body = [f"<h1>{_html(title)}</h1>", *(f'<p class="meta">{_html(line)}</p>' for line in meta)]
    if summary:
        body += ["<h2>Summary</h2>", "<ul>", *(f"<li>{_html(s)}</li>" for s in summary), "</ul>"]
    for position, (chart_title, fig) in enumerate(figures):
        body += [f"<h2>{_html(chart_title)}</h2>",
                 plotly.io.to_html(fig, include_plotlyjs=position == 0, full_html=False,
                                   config={"displaylogo": False, "responsive": True})]
    for table in tables:
        body.append(f"<h2>{_html(table.title)}</h2>")
        if table.note:
            body.append(f'<p class="note">{_html(table.note)}</p>')
        body.append(html_table(table.rows, table.links))
    return "\n".join([
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8">',
        f"<title>{_html(title)}</title>", f"<style>{_STYLE}</style>", "</head>", "<body>", *body,
        "</body>", "</html>", ""])


def html_table(rows: pd.DataFrame, links=Table.links) -> str:
    columns, linked = _shown_columns(rows, links), dict(links)
    head = "".join(f"<th>{_html(_header(c))}</th>" for c in columns)
    body = []
    for record in rows.to_dict("records"):
        cells = [_html_link(record[c], record.get(linked[c])) if c in linked else _html(_cell(record[c]))
                 for c in columns]
        body.append("<tr>" + "".join(f"<td>{cell}</td>" for cell in cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def csv_bytes(rows: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark, so spreadsheet programs read accents right."""
    safe = rows.copy()
    for column in safe.columns:
        # A generator, not Series.map: an empty column keeps its dtype, and a date one cannot .any().
        if any(isinstance(v, str) for v in safe[column]):
            safe[column] = safe[column].map(_spreadsheet_safe)
    return safe.to_csv(index=False).encode("utf-8-sig")


def csv_zip(tables: list[Table]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for table in tables:
            archive.writestr(csv_name(table.title), csv_bytes(table.rows))
    return buffer.getvalue()


def csv_name(title: str) -> str:
    """The file a table is written to in csv_zip."""
    return f"{_file_stem(title)}.csv"


def _shown_columns(rows: pd.DataFrame, links) -> list[str]:
    # The link is carried by the key; a bare url column would repeat it less readably.
    addresses = {url for key, url in links if key in rows.columns}
    return [c for c in rows.columns if c not in addresses]


def _header(column: str) -> str:
    return "Key" if column == "issue_key" else column


def _cell(value) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:,.2f}"
    if isinstance(value, datetime):
        # Dates (a due date) arrive from pandas as midnight timestamps.
        return f"{value:%Y-%m-%d}" if value.time() == time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, (list, tuple)):
        return ", ".join(str(v) for v in value)
    return str(value)


def _md(text) -> str:
    return _MARKDOWN_INLINE.sub(r"\\\1", " ".join(str(text).split()))


def _md_link(key, url) -> str:
    target = web_url(url)
    if target is None:
        return _md(_cell(key))
    return f"[{_md(_cell(key))}]({quote(target, safe=':/?#@!$&*+,;=%~')})"


def _html(text) -> str:
    return html.escape(str(text), quote=True)


def _html_link(key, url) -> str:
    target = web_url(url)
    if target is None:
        return _html(_cell(key))
    return f'<a href="{_html(target)}">{_html(_cell(key))}</a>'


def _spreadsheet_safe(value):
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def _file_stem(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "table"


_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { margin-bottom: 0.2em; }
.meta, .note { color: #555; margin: 0.2em 0; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.3em 0.6em; text-align: left; vertical-align: top; }
th { background: #f3f3f3; }
"""
