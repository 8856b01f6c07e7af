"""What the dashboard's tests share: reading the published file, opening a page as a link opens
it, and reading the charts a page sent."""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from urllib.parse import unquote

import duckdb
import numpy as np
import pandas as pd
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from followthrough.style import percent
from followthrough.views import MISSING, PRINTED_PERCENT

ROOT = Path(__file__).resolve().parent.parent
# The key a table's link shows: a Jira address's, or the explorer's incident or item (its last).
_SHOWN_KEY = re.compile(r"(?:/browse/|[?&]incident=|&item=)([^/?#&]+)$")


def sql(db: Path, text: str, params=None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(text, params or []).fetchall()
    finally:
        con.close()


def open_page(page: str, **url) -> AppTest:
    """app_pages/<page>.py as a link opens it, `url` holding its query parameters; it must show
    neither an exception nor an error."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params.update(url)
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    assert not at.exception, [e.stack_trace for e in at.exception]
    assert not at.error, [e.value for e in at.error]


def figures(at: AppTest) -> list[dict]:
    return [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]


def values(data) -> list:
    """A Plotly trace array, decoded when plotly sent it as a typed binary array."""
    if not (isinstance(data, dict) and "bdata" in data):
        return list(data)
    array = np.frombuffer(base64.b64decode(data["bdata"]), dtype=data["dtype"])
    if "shape" in data:
        array = array.reshape([int(n) for n in str(data["shape"]).split(",")])
    return array.tolist()


def shown_keys(rows, column: str = "url") -> list[str]:
    """The issue key each row's link shows, as the browser shows it: a table sends the browser only
    the columns it shows, so a key is read off its link."""
    return [unquote(_SHOWN_KEY.search(url)[1]) for url in rows[column]]


def shares_as_shown(table, column: str) -> tuple[list[str], list[str]]:
    """A share column's cells as the browser shows them, and as style.percent writes the shares they
    stand for. A column is printed (its format PRINTED_PERCENT, its cells the percentages, written
    as the browser's printf writes %g, which test_browser checks) or styled (its cells the shares,
    shown as a Styler's display values)."""
    sent = table.value[column]
    if json.loads(table.proto.columns)[column]["type_config"].get("format") == PRINTED_PERCENT:
        return ([MISSING if pd.isna(v) else f"{v:g}%" for v in sent],
                [percent(None if pd.isna(v) else v / 100) for v in sent])
    shown = convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)[column]
    return shown.tolist(), sent.map(percent).tolist()
