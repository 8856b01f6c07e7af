"""The columns a manager needs are in view at a 1400-pixel window: every column up to and
including them fits the main pane (followthrough.views.Width.PANE), as the tables are drawn with
the widths their column configuration gives them."""
import json

import pytest
from streamlit.testing.v1 import AppTest

from conftest import ROOT
from followthrough.views import Width

# page, a column the table holds (to find it), the columns that must be in view
NEEDED = [
    ("stalls", "stall_reason", ["Owner", "Team", "Days unchanged", "Incidents since filed", "Filed (UTC)"]),
    ("stalls", "days_open", ["Owner", "Team", "Days open"]),
    ("recurrence", "recurred_while_open", ["Repeats", "Earlier items open", "Which items"]),
    ("quarterly", "cost_of_delay", ["Owner", "Team", "Days unchanged", "Incidents since filed",
                                    "Cost of delay"]),
]


def shown_tables(page: str):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.run()
    at.switch_page(f"app_pages/{page}.py").run()
    assert not at.exception
    return at.dataframe


@pytest.mark.parametrize("page, holds, needed", NEEDED, ids=[f"{p}-{h}" for p, h, _ in NEEDED])
def test_the_key_columns_are_in_view_at_1400_pixels(demo_db, dashboard_on, page, holds, needed):
    dashboard_on(demo_db)
    table = next(t for t in shown_tables(page) if holds in t.proto.column_order)
    config = json.loads(table.proto.columns)
    left = 0
    edges = {}
    for column in table.proto.column_order:
        settings = config.get(column, {})
        left += settings.get("width") or Width.SHORT
        edges[settings.get("label", column)] = left
    for title in needed:
        assert edges[title] <= Width.PANE, f"{title} ends at {edges[title]} px, beyond the pane's {Width.PANE}"
