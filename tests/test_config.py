"""A bad configuration is a one-line error that names the key; a good one becomes SQL tables."""
import os

import pytest

from etl.config import ConfigError, load_config, parse_config
from etl.config_tables import config_tables
from conftest import ROOT


def test_example_and_demo_configs_are_valid():
    example = load_config(ROOT / "followthrough.example.toml")
    assert example.severity_map["Highest"] == "SEV-1"
    assert example.fields.team == "labels:team-"
    demo = load_config(ROOT / "etl" / "demo" / "followthrough.demo.toml")
    assert demo.fields.severity == "customfield_10100"


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
    assert load_config().recurrence.window_days == 30


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


def test_example_config_is_written_from_the_key_definitions():
    from etl.config_example import example_toml
    assert (ROOT / "followthrough.example.toml").read_text() == example_toml(), \
        "regenerate: .venv/bin/python -m etl.config_example > followthrough.example.toml"


@pytest.mark.parametrize("text, message", [
    ("[stall_days]\nstrategic = 2147483648\n", "[stall_days].strategic must be at most 3,650 days, not 2,147,483,648"),
    (f"[jira]\noverlap_minutes = {2**63 - 1}\n", "[jira].overlap_minutes must be at most 10,080 minutes"),
    ("[jira]\noverlap_minutes = -1\n", "[jira].overlap_minutes must not be negative"),
    ("[stall_days]\nstrategic = 30.5\n", "[stall_days].strategic must be a whole number, not a decimal number"),
    ("[access]\ndomains = 'example.com'\n", "[access].domains must be a list of non-empty strings"),
])
def test_numbers_out_of_range_and_wrong_types_are_named(tmp_path, text, message):
    path = tmp_path / "followthrough.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert message in str(err.value)


def test_a_named_config_that_is_missing_is_an_error_even_when_optional(tmp_path, monkeypatch):
    monkeypatch.setenv("FOLLOWTHROUGH_CONFIG", str(tmp_path / "typo.toml"))
    with pytest.raises(ConfigError, match="typo.toml: configuration file not found"):
        load_config(required=False)
    with pytest.raises(ConfigError, match="typo.toml: configuration file not found"):
        load_config(tmp_path / "typo.toml", required=False)


def test_a_config_that_is_a_folder_or_unreadable_is_one_line(tmp_path):
    with pytest.raises(ConfigError, match="is a folder, not a configuration file"):
        load_config(tmp_path, required=False)
    locked = tmp_path / "locked.toml"
    locked.write_text("")
    locked.chmod(0)
    if os.access(locked, os.R_OK):  # root reads anything; a path under a file cannot be read by anyone
        locked = tmp_path / "locked.toml" / "inner.toml"
    with pytest.raises(ConfigError) as err:
        load_config(locked)
    assert "\n" not in str(err.value)


def test_every_plain_key_reaches_the_settings_row():
    from etl.config_keys import SECTIONS
    from etl.config_tables import settings_columns
    cfg = parse_config({"recurrence": {"window_days": 45}, "action_items": {"link_types": ["Relates"]}})
    settings = config_tables(cfg)["settings"][0]
    assert set(settings) == set(settings_columns())
    assert settings["recurrence_window_days"] == 45 and settings["action_items_link_types"] == ["Relates"]
    assert settings["tie_by_parent"] is True
    assert len(settings) == sum(len(s.keys) for s in SECTIONS) + 2
