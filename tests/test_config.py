"""A bad configuration is a one-line error that names the key; a good one becomes SQL tables."""
import pytest

from etl.config import ConfigError, config_tables, load_config, parse_config
from conftest import ROOT


def test_example_and_demo_configs_are_valid():
    example = load_config(ROOT / "followthrough.example.toml")
    assert example.severity_map["Highest"] == "SEV-1"
    assert example.team_field == "labels:team-"
    demo = load_config(ROOT / "etl" / "demo" / "followthrough.demo.toml")
    assert demo.severity_field == "customfield_10100"


@pytest.mark.parametrize("text, message", [
    ("[fields]\nsevrity = 'priority'\n", "unknown key [fields].sevrity"),
    ("[feilds]\n", "unknown section [feilds]"),
    ("[stall_days]\nstrategic = 'thirty'\n", "[stall_days].strategic must be a whole number, not text"),
    ("[stall_days]\nstrategic = true\n", "[stall_days].strategic must be a whole number"),
    ("[stall_days]\noperational = 0\n", "[stall_days].operational must be a positive number of days"),
    ("[severity_map]\nHighest = 'SEV-0'\n", "[severity_map].Highest is 'SEV-0'"),
    ("[incidents]\nlabels = ['ok', 3]\n", "[incidents].labels must be a list of non-empty strings"),
    ("[recurrence]\nwindow_days = -1\n", "[recurrence].window_days must be a positive number of days"),
    ("[status_categories]\n'Awaiting fix' = 'waiting'\n", '[status_categories]."Awaiting fix" is \'waiting\''),
    ("[jira\nurl = 1", "not valid TOML"),
])
def test_bad_config_names_the_key(tmp_path, text, message):
    path = tmp_path / "followthrough.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value)
    assert "\n" not in str(err.value)


def test_missing_config_file_is_reported(tmp_path):
    with pytest.raises(ConfigError, match="configuration file not found"):
        load_config(tmp_path / "nope.toml")


def test_config_path_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "elsewhere.toml"
    path.write_text("[recurrence]\nwindow_days = 30\n")
    monkeypatch.setenv("FOLLOWTHROUGH_CONFIG", str(path))
    assert load_config().recurrence_window_days == 30


def test_config_becomes_rows_for_the_models():
    cfg = parse_config({
        "incidents": {"projects": ["OPS"], "issue_types": ["Incident"]},
        "action_items": {"labels": ["postmortem-action"], "link_types": ["Relates"], "epic_link_field": "customfield_10014"},
        "fields": {"severity": "customfield_10100", "service": "labels:service-", "team": "Team"},
        "classification": {"strategic_labels": ["strategic"]},
    })
    tables = config_tables(cfg)
    assert {"kind": "incident", "attribute": "project", "value": "OPS"} in tables["match_rules"]
    sources = {row["attribute"]: row for row in tables["field_sources"]}
    assert sources["service"] == {"attribute": "service", "source": "labels", "field_id": "", "prefix": "service-"}
    assert sources["team"]["field_id"] == "Team"
    assert sources["epic"]["field_id"] == "customfield_10014"
    assert tables["stall_days"] == [{"class": "strategic", "days": 30}, {"class": "operational", "days": 14},
                                    {"class": "unclassified", "days": 21}]
