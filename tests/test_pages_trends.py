"""The Overview, Recurrence, Follow-through and Strategic stalls pages, run through app.py.

Every figure a page shows is compared with a direct read-only query of the published marts, for a
period that ends before the as-of time (so "at period end" and "now" differ), then with filters
that change it, match nothing, or meet a database without a single incident.
"""
import re
import json
from datetime import datetime, time, timedelta

import duckdb
import numpy as np
import pytest
from streamlit.proto.Metric_pb2 import Metric as MetricProto
from streamlit.testing.v1 import AppTest

from app_support import assert_clean, figures, open_page, shares_as_shown, shown_keys, values
from etl.cli import main as etl_main
from etl.config import DEMO_CONFIG
from followthrough.style import counted, duration_days, number, percent

PAGES = ("overview", "recurrence", "follow_through", "stalls")


class Demo:
    """The demo database and a 300-day period ending two months before its as-of time."""

    def __init__(self, path):
        self.path = path
        self.as_of = self.one("SELECT as_of FROM marts.build_info")
        self.last_day = self.as_of.date() - timedelta(days=61)
        self.first_day = self.last_day - timedelta(days=299)
        self.start = datetime.combine(self.first_day, time())
        self.end = datetime.combine(self.last_day + timedelta(days=1), time())
        self.t = f"TIMESTAMP '{self.end}'"
        self.previous = (self.start - timedelta(days=300), self.start)

    def rows(self, sql: str) -> list[tuple]:
        con = duckdb.connect(str(self.path), read_only=True)
        try:
            return con.execute(sql).fetchall()
        finally:
            con.close()

    def one(self, sql: str):
        return self.rows(sql)[0][0]

    def filed(self, alias: str = "", period=None) -> str:
        start, end = period or (self.start, self.end)
        column = f"{alias}.created_at" if alias else "created_at"
        return f"{column} >= TIMESTAMP '{start}' AND {column} < TIMESTAMP '{end}'"

    def url(self) -> dict:
        return {"from": self.first_day.isoformat(), "to": self.last_day.isoformat()}


@pytest.fixture
def demo(demo_db, dashboard_on) -> Demo:
    dashboard_on(demo_db)
    return Demo(demo_db)


def metrics(at: AppTest) -> dict:
    return {m.label: m for m in at.metric}


def table_with(at: AppTest, column: str, without: str | None = None):
    """The one table showing `column` (and not `without`)."""
    return table_element(at, column, without).value


def table_element(at: AppTest, column: str, without: str | None = None):
    found = [d for d in at.dataframe if column in d.value.columns and without not in d.value.columns]
    assert len(found) == 1, f"{len(found)} tables with {column}"
    return found[0]


def assert_tables_show_a_dash_for_nothing(at: AppTest) -> None:
    assert at.dataframe and {d.proto.placeholder for d in at.dataframe} == {"–"}


def assert_summary_takes_the_rest(table) -> None:
    """Every column but the summary has a width that fits what it holds; the summary gets what they
    leave of the 940-pixel main pane, at least 220 pixels."""
    config = json.loads(table.proto.columns)
    widths = {column: config[column].get("width") for column in table.proto.column_order}
    assert None not in widths.values(), widths
    others = sum(width for column, width in widths.items() if column != "summary")
    assert widths["summary"] == max(220, 940 - others), widths


def ticks_are_whole(axis: dict, largest) -> None:
    """A count axis (or colour bar): whole numbers, and a tick per unit where Plotly would use halves."""
    assert axis["tickformat"] == ",d"
    if largest <= 10:
        assert axis["dtick"] == 1


def days_text(value) -> str:
    return "not reached" if value is None else duration_days(value)


# -- Overview -------------------------------------------------------------------------------------

def kaplan_meier_quantile(durations: list[tuple[float, bool]], q: float) -> float | None:
    """The first duration by which the share with the event reaches q, events at one duration at once."""
    at_risk, still = len(durations), 1.0
    for t in sorted({d for d, _ in durations}):
        events = sum(1 for d, e in durations if d == t and e)
        still *= 1 - events / at_risk
        at_risk -= sum(1 for d, _ in durations if d == t)
        if 1 - still >= q - 1e-12:
            return t
    return None


def test_overview_figures_match_the_marts(demo):
    at = open_page("overview", **demo.url())
    shown = metrics(at)

    incidents = demo.one(f"SELECT count(*) FROM marts.incidents WHERE {demo.filed()}")
    before = demo.one(f"SELECT count(*) FROM marts.incidents WHERE {demo.filed(period=demo.previous)}")
    assert incidents > 0 and shown["Incidents"].value == number(incidents)
    assert shown["Incidents"].delta == (f"{incidents - before:+,}" if incidents != before else "0")
    if incidents != before:  # more incidents is bad: red up, green down
        assert shown["Incidents"].proto.color == (MetricProto.RED if incidents > before else MetricProto.GREEN)

    for severity, count in demo.rows(f"SELECT coalesce(severity, '(none)'), count(*) FROM marts.incidents "
                                     f"WHERE {demo.filed()} GROUP BY 1"):
        assert shown[severity].value == number(count), severity

    # Time to resolve counts unresolved incidents as still open (censored at the as-of time).
    durations = demo.rows(f"SELECT coalesce(hours_to_resolve / 24, epoch(TIMESTAMP '{demo.as_of}' - created_at) / 86400), "
                          f"is_resolved FROM marts.incidents WHERE {demo.filed()}")
    assert shown["Median time to resolve"].value == duration_days(kaplan_meier_quantile(durations, 0.5))
    assert shown["80% resolved within"].value == duration_days(kaplan_meier_quantile(durations, 0.8))
    assert shown["Still unresolved"].value == number(sum(not resolved for _, resolved in durations))
    # A change reads in the unit of the value it changes: hours under two days, days above.
    for label in ("Median time to resolve", "80% resolved within", "Median time to done"):
        value, delta = shown[label].value, shown[label].delta
        assert delta == "0" or delta[-2:] == value[-2:], (label, value, delta)

    repeats = demo.one(f"SELECT count(*) FROM marts.repeats AS r JOIN marts.incidents AS i USING (issue_key) "
                       f"WHERE {demo.filed('i')}")
    assert shown["Recurrence rate"].value == percent(repeats / incidents)

    is_open = f"(closed_at IS NULL OR closed_at > {demo.t})"
    open_items, overdue, closed, dropped = demo.rows(
        f"SELECT count(*) FILTER (WHERE {is_open}), count(*) FILTER (WHERE {is_open} AND due_date < {demo.t}::DATE), "
        f"count(*) FILTER (WHERE closed_at <= {demo.t} AND outcome = 'done'), "
        f"count(*) FILTER (WHERE closed_at <= {demo.t} AND outcome = 'dropped') "
        f"FROM marts.action_items WHERE {demo.filed()}")[0]
    assert shown["Open at period end"].value == number(open_items)
    assert shown["Overdue at period end"].value == number(overdue)
    assert shown["Done by period end"].value == number(closed)
    assert shown["Dropped by period end"].value == number(dropped)
    closed_before = demo.one(f"SELECT count(*) FROM marts.action_items WHERE {demo.filed(period=demo.previous)} "
                             f"AND closed_at <= TIMESTAMP '{demo.start}' AND outcome = 'done'")
    if closed != closed_before:  # more done is good: green up, red down
        assert shown["Done by period end"].proto.color == (MetricProto.GREEN if closed > closed_before
                                                       else MetricProto.RED)
    stalled = demo.one(f"SELECT count(*) FROM marts.action_items_at({demo.t}) "
                       f"WHERE class = 'strategic' AND is_stalled AND {demo.filed()}")
    assert shown["Strategic items stalled"].value == number(stalled)
    median_done = demo.one(f"SELECT median_days_to_done FROM marts.km_summary({{'start': TIMESTAMP '{demo.start}', "
                           f"'end': {demo.t}, 'severity': [], 'service': [], 'team': []}}, 'all')")
    assert shown["Median time to done"].value == days_text(median_done)

    # The trend's stacked bars add up to the incidents, per week and then per month, on a count axis.
    (trend,) = figures(at)
    assert sum(sum(values(bar["y"])) for bar in trend["data"]) == incidents
    per_week = demo.one(f"SELECT max(n) FROM (SELECT count(*) AS n FROM marts.incidents WHERE {demo.filed()} "
                        "GROUP BY date_trunc('week', created_at))")
    ticks_are_whole(trend["layout"]["yaxis"], per_week)
    at.radio(key="overview_grain").set_value("Month").run()
    assert_clean(at)
    (trend,) = figures(at)
    months = demo.one(f"SELECT count(DISTINCT date_trunc('month', created_at)) FROM marts.incidents "
                      f"WHERE {demo.filed()}")
    assert len({x for bar in trend["data"] for x in values(bar["x"])}) == months
    assert sum(sum(values(bar["y"])) for bar in trend["data"]) == incidents

    # The rows behind the figures; each key opens the Incident explorer (Jira is a click further).
    listed = table_with(at, "repeat_of")
    assert len(listed) == min(incidents, 200)
    assert_summary_takes_the_rest(table_element(at, "repeat_of"))
    assert listed["url"].str.fullmatch(r"explorer\?incident=[A-Z]+-\d+").all()
    items = table_with(at, "is_overdue")
    assert items["is_overdue"].sum() == min(overdue, 200)
    # An item nobody owns says so, rather than showing an empty cell.
    # An item's link opens its incident in the explorer and names the item; one tied to no incident keeps Jira's.
    keys = items["url"].str.extract(r"(?:[?&]item=|/browse/)([^&/]+)$")[0].tolist()
    unowned = demo.one(f"SELECT count(*) FROM marts.action_items WHERE owner IS NULL "
                       f"AND list_contains({keys}, issue_key)")
    assert unowned > 0 and (items["owner"] == "no owner").sum() == unowned
    assert items["owner"].notna().all()
    assert_tables_show_a_dash_for_nothing(at)


def test_overview_follows_the_severity_filter(demo):
    # The rarest severity of the period: choosing it changes every figure.
    severity, incidents = demo.rows(f"SELECT severity, count(*) FROM marts.incidents WHERE severity IS NOT NULL "
                                    f"AND {demo.filed()} GROUP BY 1 ORDER BY 2, 1 LIMIT 1")[0]
    at = open_page("overview", **demo.url())
    at.sidebar.multiselect(key="f_severity").set_value([severity]).run()
    assert_clean(at)
    shown = metrics(at)
    open_items = demo.one(f"SELECT count(*) FROM marts.action_items WHERE severity = '{severity}' "
                          f"AND {demo.filed()} AND (closed_at IS NULL OR closed_at > {demo.t})")
    assert shown["Incidents"].value == number(incidents)
    assert shown["Open at period end"].value == number(open_items)
    assert {"SEV-1", "SEV-2", "SEV-3", "SEV-4", "(none)"} & set(shown) == {severity}
    assert at.query_params["severity"] == severity


# -- Recurrence -----------------------------------------------------------------------------------

def test_recurrence_figures_match_the_marts(demo):
    at = open_page("recurrence", **demo.url())
    shown = metrics(at)
    incidents, repeats, while_open = demo.rows(
        f"SELECT count(*), count(r.issue_key), count(*) FILTER (WHERE r.recurred_while_open) "
        f"FROM marts.incidents AS i LEFT JOIN marts.repeats AS r USING (issue_key) WHERE {demo.filed('i')}")[0]
    assert repeats > 0
    assert shown["Repeats"].value == number(repeats)
    assert shown["Recurrence rate"].value == percent(repeats / incidents)
    assert shown["Back while fixes open"].value == percent(while_open / repeats)
    assert shown["Back while fixes open"].help.startswith("Came back while its fixes were open")
    assert f"({counted(while_open, 'repeat')})" in shown["Back while fixes open"].help

    # The 20 services with the most repeats, as many as each had, most first, none without a repeat;
    # and their repeats month by month.
    by_service, heatmap = figures(at)
    charted = demo.rows(
        f"SELECT coalesce(i.service, '(none)'), count(r.issue_key) / count(*), count(r.issue_key) "
        f"FROM marts.incidents AS i LEFT JOIN marts.repeats AS r USING (issue_key) WHERE {demo.filed('i')} "
        f"GROUP BY 1 HAVING count(r.issue_key) > 0 ORDER BY 3 DESC, 2 DESC, 1 LIMIT 20")
    assert by_service["layout"]["xaxis"]["title"]["text"].startswith("repeats")
    (bars,) = by_service["data"]
    assert values(bars["y"]) == [service for service, _, _ in charted]
    assert values(bars["x"]) == [count for _, _, count in charted]
    ticks_are_whole(by_service["layout"]["xaxis"], charted[0][2])
    (cells,) = heatmap["data"]
    assert set(values(cells["y"])) == {service for service, _, _ in charted}
    assert np.sum(values(cells["z"])) == sum(count for _, _, count in charted)
    ticks_are_whole(cells["colorbar"], np.max(values(cells["z"])))
    assert {text for row in cells["text"] for text in row} >= {"0 repeats", "1 repeat"}

    rates = table_element(at, "recurrence_rate")
    shown, written = shares_as_shown(rates, "recurrence_rate")
    assert shown == written

    listed = table_with(at, "earlier_open_item_keys")
    assert len(listed) == min(repeats, 200)
    newest = listed.iloc[0]
    keys, days = demo.rows(
        f"SELECT earlier_open_item_keys, days_between FROM marts.repeats AS r JOIN marts.incidents AS i "
        f"USING (issue_key) WHERE {demo.filed('i')} ORDER BY r.created_at DESC, r.issue_key LIMIT 1")[0]
    assert newest["earlier_open_item_keys"] == ", ".join(keys)
    assert newest["days_between"] == pytest.approx(days)


def test_recurrence_follows_a_service_in_the_url(demo):
    service, repeats = demo.rows(
        f"SELECT i.service, count(*) FROM marts.repeats AS r JOIN marts.incidents AS i USING (issue_key) "
        f"WHERE i.service IS NOT NULL AND {demo.filed('i')} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 1")[0]
    at = open_page("recurrence", service=service, **demo.url())
    assert metrics(at)["Repeats"].value == number(repeats)
    assert values(figures(at)[0]["data"][0]["y"]) == [service]


# -- Follow-through -------------------------------------------------------------------------------

def test_follow_through_figures_match_the_marts(demo):
    at = open_page("follow_through", **demo.url())
    km = (f"marts.km_summary({{'start': TIMESTAMP '{demo.start}', 'end': {demo.t}, "
          "'severity': [], 'service': [], 'team': []}, 'class')")
    expected = {cls: (items, done, dropped, median) for cls, items, done, dropped, median in demo.rows(
        f"SELECT a.class, count(*), count(*) FILTER (WHERE a.outcome = 'done'), "
        f"count(*) FILTER (WHERE a.outcome = 'dropped'), any_value(k.median_days_to_done) "
        f"FROM marts.action_items AS a JOIN {km} AS k ON k.grp = a.class WHERE {demo.filed('a')} GROUP BY 1")}
    summary_table = table_element(at, "done_within_90")
    summary = summary_table.value.set_index("grp")
    assert set(summary.index) == set(expected)
    for cls, (items, done, dropped, median) in expected.items():
        assert summary.at[cls, "items"] == items and summary.at[cls, "done"] == done, cls
        assert summary.at[cls, "dropped"] == dropped, cls
        assert summary.at[cls, "still_open"] == items - done - dropped, cls
        assert summary.at[cls, "median"] == days_text(median), cls
    # Shares read as the headlines write them: whole percent, a decimal only below 1 %.
    for column in ("done_within_30", "done_within_60", "done_within_90"):
        shown, written = shares_as_shown(summary_table, column)
        assert shown == written, column

    curves, burn_up = figures(at)
    assert {line["name"] for line in curves["data"]} == set(expected)
    for line in curves["data"]:
        still_open = values(line["y"])
        assert line["line"]["shape"] == "hv" and still_open[0] == 1.0
        # Non-increasing, give or take the last bit of the window product in marts.km_curve.
        assert all(a >= b - 1e-12 for a, b in zip(still_open, still_open[1:])), line["name"]

    filed_line, closed_line = burn_up["data"]
    filed, closed = demo.rows(f"SELECT count(*), count(*) FILTER (WHERE closed_at < {demo.t}) "
                              f"FROM marts.action_items WHERE {demo.filed()}")[0]
    assert (values(filed_line["y"])[-1], values(closed_line["y"])[-1]) == (filed, closed)
    ticks_are_whole(burn_up["layout"]["yaxis"], filed)

    overdue = table_with(at, "days_overdue")
    days_late = [d for (d,) in demo.rows(
        f"SELECT {demo.t}::DATE - due_date FROM marts.action_items WHERE {demo.filed()} "
        f"AND (closed_at IS NULL OR closed_at > {demo.t}) AND due_date < {demo.t}::DATE ORDER BY 1 DESC")]
    assert len(overdue) == min(len(days_late), 200)
    assert overdue["days_overdue"].tolist() == days_late[:200]

    at.toggle(key="follow_by_team").set_value(True).run()
    assert_clean(at)
    teams = [t for (t,) in demo.rows(f"SELECT coalesce(team, '(none)') FROM marts.action_items "
                                     f"WHERE {demo.filed()} GROUP BY 1 ORDER BY count(*) DESC, 1")]
    # A panel per team (tests/test_follow_by_team.py checks what is in each).
    assert {a["text"] for a in figures(at)[0]["layout"]["annotations"]} == set(teams[:12])
    assert set(table_with(at, "done_within_90")["team"]) == set(teams)


# -- Strategic stalls -----------------------------------------------------------------------------

def test_stalls_figures_match_the_marts(demo):
    at = open_page("stalls", **demo.url())
    shown = metrics(at)
    strategic = f"FROM marts.action_items_at({demo.t}) WHERE class = 'strategic' AND {demo.filed()}"
    open_items, stalled, never_started, unowned = demo.rows(
        f"SELECT count(*) FILTER (WHERE is_open), count(*) FILTER (WHERE is_stalled), "
        f"count(*) FILTER (WHERE is_stalled AND never_started), count(*) FILTER (WHERE is_open AND owner IS NULL) "
        f"{strategic}")[0]
    assert stalled > 0
    assert shown["Open at period end"].value == number(open_items)
    assert shown["Stalled"].value == number(stalled)
    assert shown["Never started"].value == number(never_started)
    assert shown["Without an owner"].value == number(unowned)

    listed = table_with(at, "stall_reason")
    assert len(listed) == min(stalled, 200)
    worst = demo.one(f"SELECT max(floor(days_without_status_change)) {strategic} AND is_stalled")
    assert listed["days_without_movement"].iloc[0] == worst

    # Cost of delay: the drill-down lists the incidents the item's count is made of.
    costly, cost = listed.assign(key=shown_keys(listed)).sort_values("incidents_while_open").iloc[-1][
        ["key", "incidents_while_open"]]
    assert cost > 0
    choices = at.selectbox(key="stalls_item").options
    assert {option.split(": ")[1] for option in choices} >= {"1 incident since filed", f"{cost} incidents since filed"}
    at.selectbox(key="stalls_item").set_value(costly).run()
    assert_clean(at)
    assert len(table_with(at, "hours_to_resolve")) == min(cost, 200)

    where_time_goes, ages = figures(at)
    in_status = demo.one(f"SELECT sum(p.days) FROM marts.status_periods AS p JOIN marts.action_items AS a "
                         f"USING (issue_id) WHERE a.class = 'strategic' AND p.status_category <> 'done' "
                         f"AND {demo.filed('a')}")
    assert sum(sum(values(bar["x"])) for bar in where_time_goes["data"]) == pytest.approx(in_status)
    # Jira's status categories by the names its boards give them; the legend gets room, the
    # one-colour age chart none.
    assert {bar["name"] for bar in where_time_goes["data"]} == {"To do", "In progress"}
    assert (where_time_goes["layout"]["margin"]["t"], ages["layout"]["margin"]["t"]) == (40, 10)
    (bars,) = ages["data"]
    expected = demo.rows(
        f"SELECT count(*) FILTER (WHERE floor(days_open) <= 30), "
        f"count(*) FILTER (WHERE floor(days_open) BETWEEN 31 AND 90), "
        f"count(*) FILTER (WHERE floor(days_open) BETWEEN 91 AND 180), "
        f"count(*) FILTER (WHERE floor(days_open) BETWEEN 181 AND 365), "
        f"count(*) FILTER (WHERE floor(days_open) > 365) {strategic} AND is_open")[0]
    assert values(bars["y"]) == list(expected)
    assert bars["texttemplate"] == "%{y:,d}"    # an empty bucket reads 0 rather than nothing
    ticks_are_whole(ages["layout"]["yaxis"], max(expected))
    buckets = at.selectbox(key="stalls_bucket").options
    assert [b.rsplit(" (", 1)[1] for b in buckets] == [f"{counted(n, 'item')})" for n in expected]
    if expected[0]:  # the drill-down under the chart starts on the youngest bucket
        assert table_with(at, "owner", without="stall_reason")["days_open"].le(30).sum() == min(expected[0], 200)
    assert len(table_with(at, "is_stalled", without="owner")) == min(unowned, 200)


# -- Nothing to show ------------------------------------------------------------------------------

@pytest.mark.parametrize("page", PAGES)
def test_a_filter_matching_nothing_explains_itself(demo, page):
    service, team = demo.rows(
        "SELECT s.service, t.team FROM (SELECT DISTINCT service FROM marts.incidents WHERE service IS NOT NULL) AS s, "
        "(SELECT DISTINCT team FROM marts.incidents WHERE team IS NOT NULL) AS t "
        "WHERE NOT EXISTS (SELECT 1 FROM marts.incidents AS i WHERE i.service = s.service AND i.team = t.team) "
        "AND NOT EXISTS (SELECT 1 FROM marts.action_items AS a WHERE a.service = s.service AND a.team = t.team) "
        "ORDER BY 1, 2 LIMIT 1")[0]
    at = open_page(page, service=service, team=team, **demo.url())
    assert at.info and not figures(at)


@pytest.mark.parametrize("page", PAGES + ("quarterly", "explorer", "data_health"))
@pytest.mark.parametrize("dates", [{"to": "2099-12-31"}, {"from": "0100-01-01"},
                                   {"from": "2099-01-01", "to": "2099-02-01"}, {"from": "nonsense", "to": "2026-13-45"}])
def test_link_dates_outside_the_data_open_the_page_within_it(demo, page, dates):
    at = open_page(page, **dates)
    start, end = at.session_state["f_period"]
    assert end <= demo.as_of.date() and start <= end
    assert at.query_params["to"] == end.isoformat()


@pytest.fixture
def publish_json(tmp_path, dashboard_on, monkeypatch):
    """Publishes Jira issues through `import-json` with the demo's configuration, into tmp_path."""
    def publish(issues: list[dict]):
        monkeypatch.setenv("FOLLOWTHROUGH_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
        dashboard_on(tmp_path / "followthrough.duckdb")
        source = tmp_path / "issues.json"
        source.write_text(json.dumps(issues))
        assert etl_main(["--config", str(DEMO_CONFIG), "import-json", str(source),
                         "--as-of", "2026-06-01T00:00:00"]) == 0
    return publish


def issue(key: str, created: str, **fields) -> dict:
    number_ = key.split("-")[1]
    return {"id": number_, "key": key, "self": f"https://jira.example.invalid/rest/api/2/issue/{number_}",
            "fields": {"summary": f"Issue {key}", "issuetype": {"name": "Task"}, "project": {"key": key.split("-")[0]},
                       "created": created, "updated": created, "labels": [],
                       "status": {"name": "To Do", "statusCategory": {"key": "new"}}, **fields}}


@pytest.mark.parametrize("page", PAGES)
def test_a_database_without_incidents_explains_itself(publish_json, page):
    publish_json([issue("DOC-1", "2026-03-01T10:00:00.000+0000")])
    at = open_page(page)
    assert at.info and not figures(at)


# -- Jira text ------------------------------------------------------------------------------------

HOSTILE_SERVICE = "<img src=x onerror=alert(1)>"
HOSTILE_SUMMARY = "<script>alert(1)</script> [x](javascript:alert(1))"


def test_jira_text_stays_inert(publish_json):
    incident = {"issuetype": {"name": "Incident"}, "summary": HOSTILE_SUMMARY,
                "components": [{"name": HOSTILE_SERVICE}],
                "customfield_10100": {"value": "Sev 2"}, "customfield_10200": {"value": "[t](javascript:alert(1))"},
                "status": {"name": "Resolved", "statusCategory": {"key": "done"}}}
    publish_json([issue("OPS-1", "2026-03-01T10:00:00.000+0000", resolutiondate="2026-03-01T12:00:00.000+0000",
                        **incident),
                  issue("OPS-2", "2026-03-10T10:00:00.000+0000", resolutiondate="2026-03-10T12:00:00.000+0000",
                        **incident)])
    at = open_page("recurrence", service=HOSTILE_SERVICE)
    assert metrics(at)["Repeats"].value == "1"
    # Cut on the axis, whole in the hover, escaped in both.
    bar = figures(at)[0]["data"][0]
    assert values(bar["y"]) == ["&lt;img src=x onerror=al…"]
    assert [row[1] for row in values(bar["customdata"])] == ["&lt;img src=x onerror=alert(1)&gt;"]
    assert HOSTILE_SUMMARY in table_with(at, "earlier_summary")["summary"].tolist()
    markdown = [e.value for kind in (at.markdown, at.caption, at.info, at.sidebar.caption) for e in kind]
    # Escaped for Markdown: every < and ] in Jira text is backslash-escaped, so none can open a tag or a link.
    assert markdown and not any(re.search(r"(?<!\\)<img|(?<!\\)\]\(javascript", text) for text in markdown)
    spec = " ".join(chart.proto.spec for chart in at.get("plotly_chart"))
    assert "<img" not in spec and "<script" not in spec


def test_a_calendar_quarter_on_overview_is_compared_with_the_quarter_before(demo_db, dashboard_on):
    """As on the Quarterly review: 2026 Q2 against 2026 Q1, not against the 91 days before 1 April (which
    take in 31 December, when the demo filed some)."""
    dashboard_on(demo_db)
    overview = metrics(open_page("overview", **{"from": "2026-04-01", "to": "2026-06-30"}))
    quarterly = metrics(open_page("quarterly", quarter="2026Q2"))
    shared = [label for label in overview if label in quarterly]
    assert len(shared) >= 5, shared
    for label in shared:
        assert overview[label].value == quarterly[label].value, label
        # Overview writes no change as "0", the review in words.
        assert overview[label].proto.delta.replace("no change", "0") == quarterly[label].proto.delta.replace(
            "no change", "0"), label
