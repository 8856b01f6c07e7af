"""How shares and durations read on every page and in the reports."""
import pytest

from followthrough.style import duration_days, percent


@pytest.mark.parametrize("share, shown", [
    (0, "0%"), (0.0004, "<0.1%"), (0.004, "0.4%"), (0.25, "25%"), (0.994, "99%"), (0.996, "99.6%"),
    (0.9996, ">99.9%"), (1, "100%"), (None, "–"), (float("nan"), "–"),
])
def test_a_share_that_is_neither_none_nor_all_never_reads_as_0_or_100_percent(share, shown):
    assert percent(share) == shown


@pytest.mark.parametrize("days, shown", [(0.5, "12.0 h"), (1.99, "47.8 h"), (2, "2.0 d"), (None, "–")])
def test_durations_under_two_days_read_in_hours(days, shown):
    assert duration_days(days) == shown
