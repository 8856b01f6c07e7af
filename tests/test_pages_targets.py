"""The target, owner and team figures as the pages show them, against direct queries of the marts on
the demo, for a period that ends two months before the as-of time; and the demo exercising every
flag (slipped deadlines, risks stated and missing, items never handed over, post-mortem gaps)."""
import pytest

from followthrough.style import number, percent
from test_pages_trends import Demo, assert_clean, demo, metrics, open_page, table_with  # noqa: F401 (fixture)


def sel(demo: Demo, team: str | None = None) -> str:
    teams = f"['{team}']" if team else "[]"
    return (f"{{'start': TIMESTAMP '{demo.start}', 'end': {demo.t}, 'severity': [], 'service': [], "
            f"'team': {teams}}}")


def test_the_demo_exercises_every_flag(demo):
    now = "marts.targets_at((SELECT as_of FROM marts.build_info))"
    slipped, stated, missing, not_handed_over, still_on_call = demo.rows(
        f"SELECT count(*) FILTER (WHERE due_date_slips >= 2), count(*) FILTER (WHERE risk IS NOT NULL), "
        f"count(*) FILTER (WHERE missing_risk), count(*) FILTER (WHERE not_handed_over AND owner IS NULL), "
        f"count(*) FILTER (WHERE not_handed_over AND owner = incident_assignee) FROM {now}")[0]
    assert min(slipped, stated, missing, not_handed_over, still_on_call) > 0
    all_time = "{'start': TIMESTAMP '2000-01-01', 'end': TIMESTAMP '2100-01-01', 'severity': [], 'service': [], 'team': []}"
    assert demo.one(f"SELECT count(*) FROM marts.postmortem_gaps({all_time})") > 0


def test_owners_and_teams_page_matches_the_marts(demo):
    at = open_page("targets", **demo.url())
    # The page's tables in order: per team, the team's items, per owner, the owner's items, gaps.
    shown = at.dataframe[0].value.set_index("accountable")
    expected = {r[0]: r[1:] for r in demo.rows(
        f"SELECT accountable, open, overdue, breached, stalled, strategic_stalled, not_handed_over, "
        f"stalled_cost_incidents FROM marts.owner_figures({sel(demo)}, 'team')")}
    assert set(shown.index) == set(expected)
    for team, figures in expected.items():
        assert tuple(shown.loc[team, ["open", "overdue", "breached", "stalled", "strategic_stalled",
                                      "not_handed_over", "stalled_cost_incidents"]]) == figures, team

    # Each figure opens its items: the team with the most breached items, then its incidents.
    team = shown["breached"].idxmax()
    at.selectbox(key="owners_team").set_value(team).run()
    at.selectbox(key="owners_team_figure").set_value("breached").run()
    assert_clean(at)
    assert len(at.dataframe[1].value) == min(shown.at[team, "breached"], 200)
    at.selectbox(key="owners_team_figure").set_value("stalled_cost_incidents").run()
    assert_clean(at)
    incidents = table_with(at, "waiting_items")
    assert len(incidents) == min(shown.at[team, "stalled_cost_incidents"], 200)

    owners = at.dataframe[2].value.set_index("accountable")
    expected_open = dict(demo.rows(f"SELECT accountable, open FROM marts.owner_figures({sel(demo)}, 'owner')"))
    assert owners["open"].to_dict() == expected_open

    gaps = demo.one(f"SELECT count(*) FROM marts.postmortem_gaps({sel(demo)})")
    if gaps:
        assert len(table_with(at, "days_since_resolved")) == min(gaps, 200)
    else:
        assert any("post-mortem" in i.value for i in at.info)


def test_a_team_filter_narrows_the_page(demo):
    team = demo.one("SELECT min(team) FROM marts.action_items")
    at = open_page("targets", team=team, **demo.url())
    assert list(at.dataframe[0].value["accountable"]) == [team]


def test_follow_through_shows_attainment_by_class_and_severity(demo):
    at = open_page("follow_through", **demo.url())
    table = table_with(at, "attainment")
    expected = demo.rows(f"SELECT CASE total_level WHEN 2 THEN 'All items' WHEN 1 THEN class || ', all severities' "
                         f"ELSE class || ', ' || severity END, decided, met, attainment "
                         f"FROM marts.target_attainment({sel(demo)}) "
                         "ORDER BY total_level = 2, class NULLS LAST, total_level, severity")
    shown = table[["group", "decided", "met"]].astype(object).where(table.notna(), None)
    assert [tuple(r) for r in shown.itertuples(index=False)] == [r[:3] for r in expected]
    assert table["group"].iloc[-1] == "All items"
    breached = demo.one(f"SELECT count(*) FROM marts.selected_targets({sel(demo)}) WHERE is_breached")
    # Past target, then near target: both lists come from one query.
    listed, near = table_with(at, "days_past_target"), table_with(at, "days_to_target")
    assert len(near) == min(demo.one(f"SELECT count(*) FROM marts.selected_targets({sel(demo)}) "
                                     "WHERE is_near_target"), 200)
    assert len(listed) == min(breached, 200) and listed["owned_by"].notna().all()


def test_overview_shows_target_attainment(demo):
    at = open_page("overview", **demo.url())
    attainment, breached = demo.rows(f"SELECT attainment, breached FROM marts.target_attainment({sel(demo)}) "
                                     "WHERE total_level = 2")[0]
    shown = metrics(at)
    assert shown["Target attainment"].value == percent(attainment)
    assert shown["Past target"].value == number(breached)


def test_stalls_shows_risk_slips_hand_over_and_cost(demo):
    at = open_page("stalls", **demo.url())
    flagged = demo.one(f"SELECT count(*) FROM marts.selected_targets({sel(demo)}) WHERE class = 'strategic' AND is_open "
                       "AND (is_stalled OR missing_risk OR due_date_slips >= 2 OR not_handed_over)")
    table = table_with(at, "risk")
    assert len(table) == min(flagged, 200)
    assert table["missing_risk"].any() and table["risk"].notna().any() and table["slipped_twice"].any()
    assert table["delay_cost"].is_monotonic_decreasing
    services = [d.value for d in at.dataframe if "incidents_without_cost" in d.value.columns]
    cost = demo.one(f"SELECT sum(cost) FROM marts.delay_totals({sel(demo)}) WHERE level = 'team'")
    assert services[1]["cost"].sum() == pytest.approx(cost)
