"""A share in a table reads as style.percent writes it in the headlines, and still sorts by the share.
Where every cell of its column reads the same as a plain number, the table sends the percentage and
the browser prints it (test_browser checks that printing against Streamlit's own formatter); where
one does not ("<0.1%", "1.0%"), a Styler's display values show the text. Run through AppTest."""
from streamlit.dataframe_util import convert_arrow_bytes_to_pandas_df
from streamlit.testing.v1 import AppTest

from app_support import shares_as_shown
from followthrough.style import percent
from followthrough.views import PRINTED_PERCENT


def shown_table(shares: list):
    def script(shares):
        import pandas as pd
        import streamlit as st

        from followthrough.views import table
        table(pd.DataFrame({"service": [f"service-{i}" for i in range(len(shares))], "share": shares,
                            "incidents": range(len(shares))}),
              {"service": "Service", "share": st.column_config.NumberColumn("Share", format="percent"),
               "incidents": st.column_config.NumberColumn("Incidents")})

    at = AppTest.from_function(script, args=(shares,)).run()
    assert not at.exception, [e.stack_trace for e in at.exception]
    (table,) = at.dataframe
    return table


def test_shares_that_read_as_plain_numbers_are_printed_by_the_browser_in_their_order():
    shares = [0.0, 1.0, 0.12, 0.125, 1 / 3, 0.003, 0.0051, 0.9951, 0.994, None, 2 / 7]
    table = shown_table(shares)
    assert table.proto.columns and PRINTED_PERCENT in table.proto.columns
    assert not table.proto.arrow_data.styler.display_values
    shown, _ = shares_as_shown(table, "share")
    assert shown == [percent(s) for s in shares]
    assert shown[:9] == ["0%", "100%", "12%", "12%", "33%", "0.3%", "0.5%", "99.5%", "99%"]
    # Sorting by the column sorts by the share: the percentages sent keep the shares' order.
    sent = table.value["share"]
    known = [(s, p) for s, p in zip(shares, sent, strict=True) if s is not None]
    assert [p for _, p in sorted(known)] == sorted(p for _, p in known)


def test_a_share_that_reads_otherwise_goes_through_a_styler():
    shares = [0.0004, 0.5, 0.9996, 0.0096, None]
    table = shown_table(shares)
    assert PRINTED_PERCENT not in table.proto.columns
    shown, written = shares_as_shown(table, "share")
    assert shown == written == ["<0.1%", "50%", ">99.9%", "1.0%", "–"]
    assert table.value["share"].tolist()[:4] == shares[:4]
    # The Styler writes every cell's text: a count still reads as a whole number, not 1.000000.
    cells = convert_arrow_bytes_to_pandas_df(table.proto.arrow_data.styler.display_values)
    assert cells["incidents"].tolist() == ["0", "1", "2", "3", "4"]
