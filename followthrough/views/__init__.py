"""What the pages show: each module reads its page's queries and builds its charts and tables.

The helpers here keep the pages alike: tables are capped and say so, Jira issues are links that
read as their key, and every chart gets the same toolbar.
"""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from followthrough.style import PLOTLY_CONFIG

# Tables ship at most this many rows to the browser; the queries return the total beside them.
ROW_LIMIT = 200


def issue_link(label: str = "Issue", help: str | None = None):
    """A Jira browse URL shown as the issue key it ends with."""
    return st.column_config.LinkColumn(label, display_text=r"/browse/([^/?#]+)$", help=help)


def chart(fig) -> None:
    st.plotly_chart(fig, config=PLOTLY_CONFIG)


def capped_table(rows: pd.DataFrame, columns: dict, *, what: str, order: str) -> None:
    """Rows from a query limited to ROW_LIMIT that also returns `total_rows`, the uncapped count.

    `columns` maps the columns to show, in order, to their st.column_config (or a label).
    """
    total = int(rows["total_rows"].iloc[0]) if len(rows) else 0
    if total > len(rows):
        st.caption(f"The first {len(rows):,} of {total:,} {what}, {order}.")
    st.dataframe(rows, column_order=list(columns), column_config=columns, hide_index=True)


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
