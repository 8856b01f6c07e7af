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
                   service VARCHAR, created_at TIMESTAMP, days_open DOUBLE, is_open BOOLEAN, outcome VARCHAR)""")
    # Each "patient" is an action item; closed (done) = remission ended, open = censored.
    con.executemany("INSERT INTO marts.action_item_states VALUES ('strategic', 'Payments', 'SEV-2', 'checkout', "
                    "TIMESTAMP '2026-01-15', ?, ?, ?)",
                    [(t, not event, "done" if event else None) for t, event in REMISSION])
    # A second group, all still open, must not disturb the first one's estimate.
    con.executemany("INSERT INTO marts.action_item_states VALUES ('operational', 'Data', 'SEV-3', 'search', "
                    "TIMESTAMP '2026-01-15', ?, true, NULL)", [(d,) for d in (1, 2, 3)])
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


def test_with_nothing_dropped_the_share_done_is_one_minus_kaplan_meier(con):
    rows = con.execute(f"SELECT survival, done_share, dropped_share FROM marts.km_curve({ARGS}) "
                       "WHERE grp = 'strategic'").fetchall()
    assert rows and all(done == pytest.approx(1 - survival) and dropped == 0 for survival, done, dropped in rows)
    median = con.execute(f"SELECT median_days, median_days_to_done FROM marts.km_summary({ARGS}) "
                         "WHERE grp = 'strategic'").fetchall()[0]
    assert median == (23, 23)


# A worked competing-risks example (Aalen-Johansen, as in Putter, Fiocco & Geskus, "Tutorial in
# biostatistics: competing risks and multi-state models", Stat. Med. 2007, section 3), 8 items:
#   day 2 done, 3 dropped, 3 done, 5 open, 6 done, 8 dropped, 9 open, 10 done.
#   t=2:  at risk 8, 1 done:            done 1 x 1/8 = .125;            still open 7/8 = .875
#   t=3:  at risk 7, 1 done, 1 dropped: done += .875 x 1/7 -> .25;      dropped .125; open .875 x 5/7 = .625
#   t=6:  at risk 4, 1 done:            done += .625 x 1/4 -> .40625;   open .625 x 3/4 = .46875
#   t=8:  at risk 3, 1 dropped:         dropped += .46875 / 3 -> .28125; open .3125
#   t=10: at risk 1, 1 done:            done += .3125 -> .71875;        open 0
# Median time to done: 10 days (the first day the share done reaches one half). Naive 1 - KM
# treating dropped as censored would say .25 done by day 3, then .4375 by day 6 and 1.0 by day 10.
WORKED = [(2, "done"), (3, "dropped"), (3, "done"), (5, None), (6, "done"), (8, "dropped"), (9, None), (10, "done")]


@pytest.fixture
def competing(tmp_path):
    con = duckdb.connect(str(tmp_path / "aj.duckdb"))
    con.execute("CREATE SCHEMA marts")
    con.execute("""CREATE TABLE marts.action_item_states (class VARCHAR, team VARCHAR, severity VARCHAR,
                   service VARCHAR, created_at TIMESTAMP, days_open DOUBLE, is_open BOOLEAN, outcome VARCHAR)""")
    con.executemany("INSERT INTO marts.action_item_states VALUES ('strategic', 'Payments', 'SEV-2', 'checkout', "
                    "TIMESTAMP '2026-01-15', ?, ?, ?)", [(t, outcome is None, outcome) for t, outcome in WORKED])
    for name in ("chosen", "in_selection", "km_curve", "km_summary"):
        con.execute((MODELS_DIR / "marts" / f"{name}.sql").read_text())
    return con


def test_time_to_done_with_dropping_as_a_competing_outcome(competing):
    rows = competing.execute(f"SELECT t, done_share, dropped_share, survival FROM marts.km_curve({ARGS}) "
                             "ORDER BY t").fetchall()
    expected = {2: (.125, 0, .875), 3: (.25, .125, .625), 5: (.25, .125, .625), 6: (.40625, .125, .46875),
                8: (.40625, .28125, .3125), 9: (.40625, .28125, .3125), 10: (.71875, .28125, 0)}
    assert [t for t, *_ in rows] == list(expected)
    for t, *shares in rows:
        assert shares == pytest.approx(expected[t]), t
    assert all(done + dropped + left == pytest.approx(1) for _, done, dropped, left in rows)
    summary = competing.execute(f"SELECT done, dropped, still_open, median_days_to_done FROM marts.km_summary({ARGS})"
                                ).fetchall()[0]
    assert summary == (4, 2, 2, 10)
