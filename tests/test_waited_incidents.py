"""marts.waited_incidents finds each name's distinct incidents from its merged waits; they must be
exactly the distinct incidents of marts.stalled_delay, the pairs that define them, on the demo,
where one owner's, team's and service's stalled items overlap many times."""
import pytest

from test_pages_trends import Demo, demo  # noqa: F401 (fixture)

NAME = {"owner": "coalesce(owner, 'no owner')", "team": "coalesce(team, '(none)')",
        "service": "coalesce(service, '(none)')"}


def selections(data: Demo) -> dict[str, str]:
    dims = "'severity': [], 'service': [], 'team': []"
    return {"all time": f"{{'start': TIMESTAMP '2000-01-01', 'end': TIMESTAMP '2100-01-01', {dims}}}",
            "a past period": f"{{'start': TIMESTAMP '{data.start}', 'end': {data.t}, {dims}}}"}


@pytest.mark.parametrize("per", sorted(NAME))
@pytest.mark.parametrize("strategic_only", [False, True])
def test_the_distinct_incidents_of_the_pairs(demo, per, strategic_only):  # noqa: F811 (the fixture)
    for label, sel in selections(demo).items():
        classes = "WHERE class = 'strategic'" if strategic_only else ""
        pairs = demo.rows(f"SELECT {NAME[per]}, incident_key, cost FROM marts.stalled_delay({sel}) {classes}")
        merged = demo.rows(f"SELECT name, incident_key, cost FROM marts.waited_incidents({sel}, '{per}', "
                           f"{str(strategic_only).lower()})")
        assert sorted(merged) == sorted(set(pairs)), label
        # Otherwise nothing was merged and the test would pass without the merging.
        assert len(pairs) > len(set(pairs)), label
