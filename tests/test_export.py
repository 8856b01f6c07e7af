"""The take-away reports: hostile Jira text stays inert in Markdown, HTML and CSV, the HTML file
needs nothing from the network, and the Markdown tables keep their shape."""
import io
import re
import zipfile
from datetime import datetime
from html.parser import HTMLParser

import pandas as pd
import plotly.express as px

from followthrough.export import Table, csv_bytes, csv_zip, html_report, markdown_report, markdown_table

HOSTILE = "<script>alert(1)</script>[x](javascript:alert(1))"
JIRA = "https://jira.example.com/browse/OPS-1"


def issues() -> pd.DataFrame:
    return pd.DataFrame({
        "issue_key": ["OPS-1", "OPS-2", "OPS-3"],
        "summary": [HOSTILE, "pipe | and\nnewline", "![img](http://evil.example/x.png) *bold* `code`"],
        "days": [1.25, float("nan"), 3.0],
        "due": [datetime(2026, 5, 1), pd.NaT, datetime(2026, 5, 3, 14, 30)],
        "url": [JIRA, "javascript:alert(1)//browse/OPS-2", None],
    })


def report(render):
    tables = [Table("Items", issues(), "The first 3 of 9.")]
    return render("Review " + HOSTILE, ["Filters: service " + HOSTILE], ["Service " + HOSTILE + " recurred most."],
                  tables)


# -- Markdown -------------------------------------------------------------------------------------

def unescaped(text: str, char: str) -> int:
    return len(re.findall(r"(?<!\\)" + re.escape(char), text))


def test_markdown_leaves_no_live_html_link_or_image():
    md = markdown_report("Review " + HOSTILE, ["Filters: service " + HOSTILE], ["Service " + HOSTILE + "."], [])
    for char in "<>[]*`_&$":
        assert unescaped(md, char) == 0, char
    assert r"\<script\>alert(1)\</script\>\[x\](javascript:alert(1))" in md


def test_markdown_table_cells_are_inert():
    rows = markdown_table(issues()).splitlines()[2:]
    cells = [row.split(" | ", 2)[1] for row in rows]
    for cell in cells:
        for char in "<>[]*`":
            assert unescaped(cell, char) == 0, (char, cell)
    assert cells[2] == r"!\[img\](http://evil.example/x.png) \*bold\* \`code\`"


def test_markdown_links_only_web_addresses():
    md = markdown_table(issues())
    assert f"[OPS-1]({JIRA})" in md
    assert "| OPS-2 |" in md and "javascript:alert(1)//browse" not in md
    assert "| OPS-3 |" in md
    # the key carries the link, so the address is not a column of its own
    assert md.splitlines()[0] == "| Key | summary | days | due |"


def test_markdown_table_shape_survives_pipes_and_newlines():
    lines = markdown_table(issues()).splitlines()
    assert len(lines) == 2 + 3
    assert lines[1] == "| --- | --- | --- | --- |"
    assert {unescaped(line, "|") for line in lines} == {5}
    assert "pipe \\| and newline" in lines[3]


def test_markdown_cells_read_as_people_write_them():
    row = markdown_table(issues()).splitlines()[2]
    assert "| 1.25 | 2026-05-01 |" in row
    assert markdown_table(issues()).splitlines()[4].endswith("| 3.00 | 2026-05-03 14:30 |")
    assert "|  |  |" in markdown_table(issues()).splitlines()[3]


def test_markdown_report_sections():
    md = report(markdown_report)
    assert md.startswith("# Review ")
    assert "## Summary\n\n- Service " in md
    assert "## Items\n\nThe first 3 of 9.\n\n| Key |" in md


# -- HTML -----------------------------------------------------------------------------------------

class Tags(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def parsed(document: str) -> Tags:
    tags = Tags()
    tags.feed(document)
    return tags


def charts():
    hostile = pd.DataFrame({"service": [HOSTILE, "checkout"], "repeats": [3, 1]})
    return [("Repeats " + HOSTILE, px.bar(hostile, x="service", y="repeats")),
            ("Second", px.bar(hostile, x="repeats", y="service"))]


def html_with_charts() -> str:
    return html_report("Review " + HOSTILE, ["Filters: service " + HOSTILE], ["Service " + HOSTILE + " recurred."],
                       charts(), [Table("Items", issues(), "The first 3 of 9.")])


def test_html_escapes_hostile_text_everywhere():
    document = html_with_charts()
    assert "<script>alert(1)</script>" not in document
    assert "javascript:alert(1)//browse" not in document
    assert "&lt;script&gt;alert(1)&lt;/script&gt;[x](javascript:alert(1))" in document
    tags = parsed(document)
    # The hostile text is read back as text, in the title, meta line, summary, headings and table.
    assert sum(HOSTILE in chunk for chunk in tags.text) >= 5


def test_html_loads_nothing_from_the_network():
    tags = parsed(html_with_charts())
    assert not [attrs for tag, attrs in tags.tags if tag == "script" and "src" in attrs]
    assert not [tag for tag, _ in tags.tags if tag in ("link", "iframe", "img", "object", "embed", "base")]
    links = [attrs["href"] for tag, attrs in tags.tags if tag == "a"]
    assert links == [JIRA]
    assert "@import" not in html_with_charts()


def test_html_inlines_plotly_once_and_draws_every_chart():
    document = html_with_charts()
    assert len(re.findall(r"\* plotly\.js v\d", document)) == 1
    assert document.count("Plotly.newPlot(") == 2
    assert document.index("* plotly.js v") < document.index("Plotly.newPlot(")


def test_html_without_charts_has_no_script():
    document = report(lambda title, meta, summary, tables: html_report(title, meta, summary, [], tables))
    assert not [tag for tag, _ in parsed(document).tags if tag == "script"]


# -- CSV ------------------------------------------------------------------------------------------

def test_csv_defuses_spreadsheet_formulas_and_keeps_numbers():
    rows = pd.DataFrame({"summary": ["=HYPERLINK(\"http://evil.example\")", "+1", "@SUM(A1)", "fine"],
                         "count": [1, 2, 3, 4], "share": [0.5, 1.0, -0.25, 0.0]})
    back = pd.read_csv(io.BytesIO(csv_bytes(rows)), encoding="utf-8-sig")
    assert back["summary"].tolist() == ["'=HYPERLINK(\"http://evil.example\")", "'+1", "'@SUM(A1)", "fine"]
    assert back["count"].tolist() == [1, 2, 3, 4]
    assert back["share"].tolist() == [0.5, 1.0, -0.25, 0.0]


def test_csv_zip_holds_one_file_per_table():
    data = csv_zip([Table("Stalled strategic items", issues()), Table("figures", pd.DataFrame({"a": [1]}))])
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["stalled-strategic-items.csv", "figures.csv"]
        back = pd.read_csv(archive.open("stalled-strategic-items.csv"), encoding="utf-8-sig")
    assert back["summary"][0] == HOSTILE
    assert back["url"][0] == JIRA
