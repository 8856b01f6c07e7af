"""The Kaplan-Meier SQL against a worked textbook example.

Freireich et al. (1963) remission times for the 6-MP group, worked in Kleinbaum & Klein,
"Survival Analysis: A Self-Learning Text", chapter 2: 21 patients, + marks censored.
6 6 6 6+ 7 9+ 10 10+ 11+ 13 16 17+ 19+ 20+ 22 23 25+ 32+ 32+ 34+ 35+
Their table of S(t): 6: .8571, 7: .8067, 10: .7529, 13: .6902, 16: .6275, 22: .5378, 23: .4482.
Median survival 23 weeks.
"""
import duckdb
import pytest

from etl.runner import MODELS_DIR

REMISSION = [(6, 1), (6, 1), (6, 1), (6, 0), (7, 1), (9, 0), (10, 1), (10, 0), (11, 0), (13, 1), (16, 1),
             (17, 0), (19, 0), (20, 0), (22, 1), (23, 1), (25, 0), (32, 0), (32, 0), (34, 0), (35, 0)]
TEXTBOOK = {6: 0.8571, 7: 0.8067, 10: 0.7529, 13: 0.6902, 16: 0.6275, 22: 0.5378, 23: 0.4482}


@pytest.fixture
def con(tmp_path):
    con = duckdb.connect(str(tmp_path / "km.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.action_item_states (class VARCHAR, team VARCHAR, severity VARCHAR,
                   service VARCHAR, created_at TIMESTAMP, days_open DOUBLE, is_open BOOLEAN)""")
    # Each "patient" is an action item; closed = remission ended, open = censored.
    con.executemany("INSERT INTO marts.action_item_states VALUES ('strategic', 'Payments', 'SEV-2', 'checkout', "
                    "TIMESTAMP '2026-01-15', ?, ?)", [(t, not event) for t, event in REMISSION])
    # A second group, all still open, must not disturb the first one's estimate.
    con.executemany("INSERT INTO marts.action_item_states VALUES ('operational', 'Data', 'SEV-3', 'search', "
                    "TIMESTAMP '2026-01-15', ?, true)", [(d,) for d in (1, 2, 3)])
    for name in ("chosen", "in_selection", "km_curve", "km_summary"):
        con.execute((MODELS_DIR / "marts" / f"{name}.sql").read_text())
    return con


ARGS = "{'start': TIMESTAMP '2026-01-01', 'end': TIMESTAMP '2026-02-01', 'severity': [], 'service': [], 'team': []}, 'class'"


def test_curve_matches_textbook_table(con):
    rows = con.execute(f"SELECT t, survival FROM marts.km_curve({ARGS}) WHERE grp = 'strategic' AND closed > 0 "
                       "ORDER BY t").fetchall()
    assert [t for t, _ in rows] == sorted(TEXTBOOK)
    for t, survival in rows:
        assert survival == pytest.approx(TEXTBOOK[t], abs=5e-5), t


def test_at_risk_counts_include_items_censored_at_that_time(con):
    rows = dict(con.execute(f"SELECT t, at_risk FROM marts.km_curve({ARGS}) WHERE grp = 'strategic'").fetchall())
    assert rows[6] == 21 and rows[7] == 17 and rows[10] == 15 and rows[23] == 6


def test_summary_reads_median_and_shares_off_the_curve(con):
    row = con.execute(f"SELECT items, closed, still_open, median_days, closed_within_30 FROM marts.km_summary({ARGS}) "
                      "WHERE grp = 'strategic'").fetchall()[0]
    assert row[:4] == (21, 9, 12, 23)
    assert row[4] == pytest.approx(1 - 0.4482, abs=5e-5)


def test_median_not_reached_while_most_are_open(con):
    row = con.execute(f"SELECT median_days, closed_within_90 FROM marts.km_summary({ARGS}) "
                      "WHERE grp = 'operational'").fetchall()[0]
    assert row == (None, None)


def test_shares_past_the_longest_follow_up_are_unknown_not_extrapolated(con):
    # The longest remission time is 35 weeks: S(30) is known, S(60) is not.
    row = con.execute(f"SELECT closed_within_30, closed_within_60 FROM marts.km_summary({ARGS}) "
                      "WHERE grp = 'strategic'").fetchall()[0]
    assert row[0] == pytest.approx(1 - 0.4482, abs=5e-5)
    assert row[1] is None


def test_filters_select_the_items(con):
    none = con.execute("SELECT count(*) FROM marts.km_curve({'start': TIMESTAMP '2026-01-01', "
                       "'end': TIMESTAMP '2026-02-01', 'severity': ['SEV-1'], 'service': [], 'team': []}, 'class')").fetchall()
    assert none == [(0,)]
    teams = con.execute("SELECT DISTINCT grp FROM marts.km_curve({'start': TIMESTAMP '2026-01-01', "
                        "'end': TIMESTAMP '2026-02-01', 'severity': [], 'service': [], 'team': ['Data']}, 'team')").fetchall()
    assert teams == [("Data",)]
