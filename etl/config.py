"""Followthrough's configuration: one TOML file, checked strictly so a typo fails loudly.

The SQL models never read this file. `config_tables()` turns it into small tables that the
models join against, so changing a mapping means re-running SQL, not re-fetching Jira.
"""
from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from datapaths import PROJECT_ROOT, default_config_path
from etl.errors import UserError

DEMO_CONFIG = PROJECT_ROOT / "etl" / "demo" / "followthrough.demo.toml"
SEVERITIES = ("SEV-1", "SEV-2", "SEV-3", "SEV-4")
ITEM_CLASSES = ("strategic", "operational", "unclassified")


class ConfigError(UserError):
    """A configuration problem, phrased as one line that names the key."""


@dataclass(frozen=True)
class MatchRules:
    projects: tuple[str, ...] = ()
    issue_types: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    path: Path | None
    jira_url: str = ""
    incident_jql: str = ""
    action_item_jql: str = ""
    overlap_minutes: int = 10
    incidents: MatchRules = MatchRules()
    action_items: MatchRules = MatchRules()
    tie_link_types: tuple[str, ...] = ()
    tie_by_parent: bool = True
    epic_link_field: str = ""
    severity_field: str = "priority"
    service_field: str = "components"
    team_field: str = ""
    severity_map: dict[str, str] = field(default_factory=dict)
    strategic_labels: tuple[str, ...] = ()
    operational_labels: tuple[str, ...] = ()
    strategic_issue_types: tuple[str, ...] = ()
    operational_issue_types: tuple[str, ...] = ()
    class_field: str = ""
    strategic_values: tuple[str, ...] = ()
    operational_values: tuple[str, ...] = ()
    stall_days: dict[str, int] = field(
        default_factory=lambda: {"strategic": 30, "operational": 14, "unclassified": 21})
    recurrence_window_days: int = 90
    recurrence_link_types: tuple[str, ...] = ()
    status_categories: dict[str, str] = field(default_factory=dict)


# Every key the file may hold, with its expected type; anything else is a typo to report.
_SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "jira": {"url": str, "incident_jql": str, "action_item_jql": str, "overlap_minutes": int},
    "incidents": {"projects": list, "issue_types": list, "labels": list},
    "action_items": {"projects": list, "issue_types": list, "labels": list,
                     "link_types": list, "parent": bool, "epic_link_field": str},
    "fields": {"severity": str, "service": str, "team": str},
    "severity_map": {},
    "classification": {"strategic_labels": list, "operational_labels": list,
                       "strategic_issue_types": list, "operational_issue_types": list,
                       "field": str, "strategic_values": list, "operational_values": list},
    "stall_days": {"strategic": int, "operational": int, "unclassified": int},
    "recurrence": {"window_days": int, "link_types": list},
    "status_categories": {},
}


def config_path(explicit: str | os.PathLike | None = None) -> Path:
    """--config wins, then FOLLOWTHROUGH_CONFIG, then ./followthrough.toml."""
    chosen = explicit or os.environ.get("FOLLOWTHROUGH_CONFIG") or default_config_path()
    return Path(chosen)


def load_config(path: str | os.PathLike | None = None, *, required: bool = True) -> Config:
    p = config_path(path)
    if not p.exists():
        if required:
            raise ConfigError(f"{p}: configuration file not found (copy followthrough.example.toml)")
        return Config(path=None)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not UTF-8 text") from None
    return parse_config(data, p)


def parse_config(data: dict, path: Path | None = None) -> Config:
    where = str(path) if path else "config"
    _check_shape(data, where)

    def section(name: str) -> dict:
        return data.get(name, {})

    def strings(name: str, key: str) -> tuple[str, ...]:
        values = section(name).get(key, [])
        if not all(isinstance(v, str) and v for v in values):
            raise ConfigError(f"{where}: [{name}].{key} must be a list of non-empty strings")
        return tuple(values)

    def field_spec(key: str, default: str) -> str:
        spec = section("fields").get(key, default)
        _check_field_spec(spec, f"{where}: [fields].{key}")
        return spec

    severity_map = section("severity_map")
    for raw, sev in severity_map.items():
        if sev not in SEVERITIES:
            raise ConfigError(f"{where}: [severity_map].{_quote(raw)} is {sev!r}; use one of {', '.join(SEVERITIES)}")

    status_categories = section("status_categories")
    for status, cat in status_categories.items():
        if cat not in ("new", "indeterminate", "done"):
            raise ConfigError(f"{where}: [status_categories].{_quote(status)} is {cat!r}; use new, indeterminate or done")

    stall = {"strategic": 30, "operational": 14, "unclassified": 21} | section("stall_days")
    for cls, days in stall.items():
        if days <= 0:
            raise ConfigError(f"{where}: [stall_days].{cls} must be a positive number of days")
    window = section("recurrence").get("window_days", 90)
    if window <= 0:
        raise ConfigError(f"{where}: [recurrence].window_days must be a positive number of days")
    overlap = section("jira").get("overlap_minutes", 10)
    if overlap < 0:
        raise ConfigError(f"{where}: [jira].overlap_minutes must not be negative")

    class_field = section("classification").get("field", "")
    if class_field:
        _check_field_spec(class_field, f"{where}: [classification].field")
    epic_field = section("action_items").get("epic_link_field", "")
    if epic_field:
        _check_field_spec(epic_field, f"{where}: [action_items].epic_link_field")

    written_url = section("jira").get("url", "")
    if written_url and (problem := site_url_problem(written_url)):
        raise ConfigError(f"{where}: {problem}")

    return Config(
        path=path,
        jira_url=written_url.rstrip("/"),
        incident_jql=section("jira").get("incident_jql", ""),
        action_item_jql=section("jira").get("action_item_jql", ""),
        overlap_minutes=overlap,
        incidents=MatchRules(strings("incidents", "projects"), strings("incidents", "issue_types"),
                             strings("incidents", "labels")),
        action_items=MatchRules(strings("action_items", "projects"), strings("action_items", "issue_types"),
                                strings("action_items", "labels")),
        tie_link_types=strings("action_items", "link_types"),
        tie_by_parent=section("action_items").get("parent", True),
        epic_link_field=epic_field,
        severity_field=field_spec("severity", "priority"),
        service_field=field_spec("service", "components"),
        team_field=field_spec("team", ""),
        severity_map=dict(severity_map),
        strategic_labels=strings("classification", "strategic_labels"),
        operational_labels=strings("classification", "operational_labels"),
        strategic_issue_types=strings("classification", "strategic_issue_types"),
        operational_issue_types=strings("classification", "operational_issue_types"),
        class_field=class_field,
        strategic_values=strings("classification", "strategic_values"),
        operational_values=strings("classification", "operational_values"),
        stall_days=stall,
        recurrence_window_days=window,
        recurrence_link_types=strings("recurrence", "link_types"),
        status_categories=dict(status_categories),
    )


def _check_shape(data: dict, where: str) -> None:
    for name, value in data.items():
        if name not in _SCHEMA:
            raise ConfigError(f"{where}: unknown section [{name}]")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        keys = _SCHEMA[name]
        for key, item in value.items():
            if not keys:  # free-form maps: raw value -> mapped value
                if not isinstance(item, str):
                    raise ConfigError(f"{where}: [{name}].{_quote(key)} must be a string")
                continue
            if key not in keys:
                raise ConfigError(f"{where}: unknown key [{name}].{key}")
            expected = keys[key]
            # bool is an int in Python; a day count of `true` is still a mistake.
            if not isinstance(item, expected) or (expected is int and isinstance(item, bool)):
                raise ConfigError(f"{where}: [{name}].{key} must be {_type_name(expected)}, not {_type_name(type(item))}")


def _check_field_spec(spec: str, where: str) -> None:
    """A field spec is `priority`, `components`, `labels:<prefix>`, or a field: its id
    (customfield_10050) for API data, its name (Severity) for CSV exports, which carry no ids."""
    if spec in ("", "priority", "components"):
        return
    if spec.startswith("labels:") and spec != "labels:":
        return
    if '"' in spec or spec != spec.strip() or spec == "labels:":
        raise ConfigError(f"{where} {spec!r} is not priority, components, labels:<prefix> or a field id or name")


def _type_name(t) -> str:
    return {str: "text", int: "a whole number", bool: "true or false", list: "a list",
            dict: "a table", float: "a whole number"}.get(t, getattr(t, "__name__", str(t)))


def _quote(key: str) -> str:
    return key if re.match(r"^[A-Za-z0-9_-]+$", key) else f'"{key}"'


def site_url_problem(url: str) -> str | None:
    """Why [jira].url cannot be the site's address, or None. Checked when the configuration is read,
    because CSV-imported issues link to it as well as sync fetching from it."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"[jira].url {url!r} is not a web address: use e.g. https://your-company.atlassian.net"
    if parts.username or parts.password:
        return ("[jira].url must not contain credentials: put them in JIRA_EMAIL and "
                "JIRA_API_TOKEN, or JIRA_PAT, in the environment or .env")
    return None


def config_tables(cfg: Config) -> dict[str, list[dict]]:
    """The configuration as rows for the `config` schema that the SQL models read."""
    rules = []
    for kind, match in (("incident", cfg.incidents), ("action_item", cfg.action_items)):
        for attribute, values in (("project", match.projects), ("issue_type", match.issue_types),
                                  ("label", match.labels)):
            rules += [{"kind": kind, "attribute": attribute, "value": v} for v in values]
    classes = []
    for cls, labels, types, values in (
            ("strategic", cfg.strategic_labels, cfg.strategic_issue_types, cfg.strategic_values),
            ("operational", cfg.operational_labels, cfg.operational_issue_types, cfg.operational_values)):
        classes += [{"class": cls, "attribute": "label", "value": v} for v in labels]
        classes += [{"class": cls, "attribute": "issue_type", "value": v} for v in types]
        classes += [{"class": cls, "attribute": "field", "value": v} for v in values]
    sources = [{"attribute": name, **_field_source(spec)}
               for name, spec in (("severity", cfg.severity_field), ("service", cfg.service_field),
                                  ("team", cfg.team_field), ("class", cfg.class_field)) if spec]
    if cfg.epic_link_field:
        sources.append({"attribute": "epic", "source": "field", "field_id": cfg.epic_link_field, "prefix": ""})
    return {
        "match_rules": rules,
        "class_rules": classes,
        "field_sources": sources,
        "severity_map": [{"raw_value": k, "severity": v} for k, v in cfg.severity_map.items()],
        "tie_link_types": [{"link_type": v} for v in cfg.tie_link_types],
        "recurrence_link_types": [{"link_type": v} for v in cfg.recurrence_link_types],
        "stall_days": [{"class": k, "days": v} for k, v in cfg.stall_days.items()],
        "status_categories": [{"status": k, "category": v} for k, v in cfg.status_categories.items()],
        "settings": [{"tie_by_parent": cfg.tie_by_parent,
                      "recurrence_window_days": cfg.recurrence_window_days,
                      "config_path": str(cfg.path or ""),
                      "site_url": cfg.jira_url}],
    }


def _field_source(spec: str) -> dict:
    if spec in ("priority", "components"):
        return {"source": spec, "field_id": "", "prefix": ""}
    if spec.startswith("labels:"):
        return {"source": "labels", "field_id": "", "prefix": spec.removeprefix("labels:")}
    return {"source": "field", "field_id": spec, "prefix": ""}
