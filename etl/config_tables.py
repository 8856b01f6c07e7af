"""The configuration as the tables the SQL models read, with their column types declared once.

Every plain key becomes a column of the one-row `config.settings` (named <section>_<key> unless
the key names its column), so a new key reaches SQL with no change here. The other tables reshape
several keys into rows the models join against.
"""
from __future__ import annotations

from etl.config import ITEM_CLASSES, SECTIONS, SEVERITIES, Config

# Each reshaped table: its columns and their SQL types.
TABLES: dict[str, dict[str, str]] = {
    "match_rules": {"kind": "VARCHAR", "attribute": "VARCHAR", "value": "VARCHAR"},
    "class_rules": {"class": "VARCHAR", "attribute": "VARCHAR", "value": "VARCHAR"},
    "field_sources": {"attribute": "VARCHAR", "source": "VARCHAR", "field_id": "VARCHAR", "prefix": "VARCHAR"},
    "severity_map": {"raw_value": "VARCHAR", "severity": "VARCHAR"},
    "status_categories": {"status": "VARCHAR", "category": "VARCHAR"},
    "stall_days": {"class": "VARCHAR", "days": "INTEGER"},
    "access_rules": {"kind": "VARCHAR", "value": "VARCHAR"},
    "targets": {"class": "VARCHAR", "severity": "VARCHAR", "days": "INTEGER"},
    "severity_weights": {"severity": "VARCHAR", "weight": "INTEGER"},
}
# Columns of config.settings that belong to a publish rather than to a key.
PUBLISH_SETTINGS = {"config_path": "VARCHAR", "as_of_override": "TIMESTAMP"}
_SQL_TYPES = {str: "VARCHAR", int: "BIGINT", bool: "BOOLEAN", tuple: "VARCHAR[]"}


def settings_columns() -> dict[str, str]:
    columns = {key.column or f"{section.name}_{key.name}": _SQL_TYPES[key.kind]
               for section in SECTIONS for key in section.keys}
    return columns | PUBLISH_SETTINGS


def schema_ddl() -> str:
    tables = TABLES | {"settings": settings_columns()}
    return "\n".join(f"CREATE TABLE config.{name} ("
                     + ", ".join(f'"{column}" {sql_type}' for column, sql_type in columns.items()) + ");"
                     for name, columns in tables.items())


def config_tables(cfg: Config) -> dict[str, list[dict]]:
    """The configuration as rows for the `config` schema that the SQL models read."""
    settings = {key.column or f"{section.name}_{key.name}": _sql_value(getattr(getattr(cfg, section.name), key.name))
                for section in SECTIONS if not section.is_map for key in section.keys}
    return {
        "match_rules": _match_rules(cfg),
        "class_rules": _class_rules(cfg),
        "field_sources": _field_sources(cfg),
        "severity_map": [{"raw_value": k, "severity": v} for k, v in cfg.severity_map.items()],
        "status_categories": [{"status": k, "category": v} for k, v in cfg.status_categories.items()],
        "stall_days": [{"class": k, "days": v} for k, v in vars(cfg.stall_days).items()],
        "access_rules": ([{"kind": "email", "value": v.lower()} for v in cfg.access.emails]
                         + [{"kind": "domain", "value": v.lower()} for v in cfg.access.domains]),
        "targets": [{"class": c, "severity": s, "days": getattr(cfg.targets, f"{c}_sev{s[-1]}")}
                    for c in ITEM_CLASSES for s in SEVERITIES],
        # An incident without a severity weighs no_severity_weight: its row has severity NULL.
        "severity_weights": [{"severity": s, "weight": getattr(cfg.cost_of_delay, f"sev{s[-1]}_weight")}
                             for s in SEVERITIES] + [{"severity": None, "weight": cfg.cost_of_delay.no_severity_weight}],
        "settings": [settings | {"config_path": str(cfg.path or ""), "as_of_override": None}],
    }


def _sql_value(value):
    return list(value) if isinstance(value, tuple) else value


def _match_rules(cfg: Config) -> list[dict]:
    rows = []
    for kind, match in (("incident", cfg.incidents), ("action_item", cfg.action_items)):
        for attribute, values in (("project", match.projects), ("issue_type", match.issue_types),
                                  ("label", match.labels)):
            rows += [{"kind": kind, "attribute": attribute, "value": v} for v in values]
    return rows


def _class_rules(cfg: Config) -> list[dict]:
    c = cfg.classification
    rows = []
    for cls, labels, types, values in (
            ("strategic", c.strategic_labels, c.strategic_issue_types, c.strategic_values),
            ("operational", c.operational_labels, c.operational_issue_types, c.operational_values)):
        rows += [{"class": cls, "attribute": "label", "value": v} for v in labels]
        rows += [{"class": cls, "attribute": "issue_type", "value": v} for v in types]
        rows += [{"class": cls, "attribute": "field", "value": v} for v in values]
    return rows


def _field_sources(cfg: Config) -> list[dict]:
    specs = (("severity", cfg.fields.severity), ("service", cfg.fields.service), ("team", cfg.fields.team),
             ("class", cfg.classification.field), ("cause", cfg.recurrence.cause_field),
             ("impact", cfg.cost_of_delay.impact_field), ("risk", cfg.risk.field))
    rows = [{"attribute": name, **_field_source(spec)} for name, spec in specs if spec]
    if cfg.action_items.epic_link_field:
        rows.append({"attribute": "epic", "source": "field", "field_id": cfg.action_items.epic_link_field, "prefix": ""})
    return rows


def _field_source(spec: str) -> dict:
    if spec in ("priority", "components"):
        return {"source": spec, "field_id": "", "prefix": ""}
    if spec.startswith("labels:"):
        return {"source": "labels", "field_id": "", "prefix": spec.removeprefix("labels:")}
    return {"source": "field", "field_id": spec, "prefix": ""}
