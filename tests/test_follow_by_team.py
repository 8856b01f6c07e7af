"""Follow-through by team: one panel per team, each keeping the operational and strategic curves
in their class colours (not one line per team), the summary per team and class, and the choice
kept in the URL (?by=team). Run through the real app on the demo database; the figures are
checked against the marts read directly."""
import json
from datetime import datetime, time, timedelta


from app_support import open_page, sql, values
from followthrough.style import CLASS_COLORS


def default_period(db) -> tuple[datetime, datetime]:
    as_of = sql(db, "SELECT as_of FROM marts.build_info")[0][0]
    end = datetime.combine(as_of.date() + timedelta(days=1), time())
    return end - timedelta(days=365), end


def selection(start, end, team=None) -> str:
    teams = f"['{team}']" if team else "[]"
    return (f"{{'start': TIMESTAMP '{start}', 'end': TIMESTAMP '{end}', 'severity': [], 'service': [], "
            f"'team': {teams}}}")


def test_by_team_draws_a_panel_per_team_with_both_classes(demo_db, dashboard_on):
    dashboard_on(demo_db)
    start, end = default_period(demo_db)
    at = open_page("follow_through", by="team")
    assert at.toggle(key="follow_by_team").value is True
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    teams = [t for (t,) in sql(demo_db, "SELECT coalesce(team, '(none)') FROM marts.action_items "
                                         "WHERE created_at >= ? AND created_at < ? GROUP BY 1 ORDER BY count(*) DESC, 1",
                                [start, end])]
    # Panel titles are the team names alone, most items first, read left to right and top down.
    titles = [a["text"] for a in sorted(fig["layout"]["annotations"], key=lambda a: (-a["y"], a["x"]))]
    assert titles == teams
    by_axis = {}
    for line in fig["data"]:
        by_axis.setdefault(line["xaxis"], []).append(line)
        assert line["line"]["color"] == CLASS_COLORS[line["name"]], line["name"]
    assert len(by_axis) == len(teams)
    axis_of_team = {a["text"]: a for a in fig["layout"]["annotations"]}
    for team in teams:
        classes = dict(sql(demo_db, "SELECT class, count(*) FROM marts.action_items WHERE created_at >= ? "
                                     "AND created_at < ? AND coalesce(team, '(none)') = ? GROUP BY 1",
                            [start, end, team]))
        assert {"operational", "strategic"} <= set(classes), team
        # The panel whose title is above it: Plotly puts a facet's title over its x axis' domain.
        title = axis_of_team[team]
        panel = next(axis for axis, lines in by_axis.items()
                     if _domain(fig, axis)[0] <= title["x"] <= _domain(fig, axis)[1]
                     and abs(_top(fig, lines[0]["yaxis"]) - title["y"]) < 0.01)
        assert {line["name"] for line in by_axis[panel]} == set(classes), team
        for line in by_axis[panel]:
            expected = [s for (s,) in sql(demo_db, f"SELECT still_open FROM marts.km_curve_daily("
                                                    f"{selection(start, end, team)}, 'class') WHERE grp = ? "
                                                    "ORDER BY days", [line["name"]])]
            assert values(line["y"]) == expected, (team, line["name"])

    summary = next(d.value for d in at.dataframe if "done_within_90" in d.value.columns)
    shown = {(r.team, r.grp): r.items for r in summary.itertuples()}
    expected = {(t, c): n for t, c, n in sql(
        demo_db, "SELECT coalesce(team, '(none)'), class, count(*) FROM marts.action_items "
                 "WHERE created_at >= ? AND created_at < ? GROUP BY 1, 2", [start, end])}
    assert shown == expected


def _domain(fig, axis: str) -> list[float]:
    return fig["layout"]["xaxis" + axis[1:]]["domain"]


def _top(fig, axis: str) -> float:
    return fig["layout"]["yaxis" + axis[1:]]["domain"][1]


def test_the_by_team_choice_lives_in_the_url(demo_db, dashboard_on):
    dashboard_on(demo_db)
    at = open_page("follow_through")
    assert at.toggle(key="follow_by_team").value is False
    assert "by" not in at.query_params
    fig = json.loads(at.get("plotly_chart")[0].proto.spec)
    assert {line["name"] for line in fig["data"]} <= set(CLASS_COLORS)
    assert "annotations" not in fig["layout"] or not fig["layout"]["annotations"]
    at.toggle(key="follow_by_team").set_value(True).run()
    assert at.query_params["by"] == "team"
    at.toggle(key="follow_by_team").set_value(False).run()
    assert "by" not in at.query_params
