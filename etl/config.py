"""Followthrough's configuration: one TOML file, checked strictly so a typo fails loudly.

The keys are defined in `etl.config_keys`. The SQL models never read this file: `config_tables()`
turns it into small tables that the models join against, so changing a mapping means re-running
SQL, not re-fetching Jira.
"""
from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from types import MappingProxyType, SimpleNamespace

from datapaths import PROJECT_ROOT, default_config_path
from etl.config_keys import BY_NAME, ITEM_CLASSES, SECTIONS, SEVERITIES, Key, Section, site_url_problem  # noqa: F401
from etl.errors import UserError

DEMO_CONFIG = PROJECT_ROOT / "etl" / "demo" / "followthrough.demo.toml"


class ConfigError(UserError):
    """A configuration problem, phrased as one line that names the key."""


class Config:
    """The checked configuration: `cfg.jira.url`, `cfg.stall_days.strategic`, `cfg.severity_map[raw]`.

    Built only by `parse_config`, so every value has passed its key's checks."""

    def __init__(self, path: Path | None, data: dict):
        self.path = path
        self._data = data
        for section in SECTIONS:
            given = data.get(section.name, {})
            if section.is_map:
                value = MappingProxyType(dict(given))
            else:
                value = SimpleNamespace(**{k.name: _frozen(given.get(k.name, k.default)) for k in section.keys})
            setattr(self, section.name, value)

    def replace(self, **sections: dict) -> "Config":
        """A copy with some keys changed, checked like a file: `cfg.replace(jira={"url": ...})`."""
        merged = {name: dict(values) for name, values in self._data.items()}
        for name, values in sections.items():
            merged.setdefault(name, {}).update(values)
        return parse_config(merged, self.path)


def _frozen(value):
    return tuple(value) if isinstance(value, list) else value


def config_path(explicit: str | os.PathLike | None = None) -> tuple[Path, bool]:
    """--config wins, then FOLLOWTHROUGH_CONFIG, then ./followthrough.toml; and whether it was named."""
    named = explicit or os.environ.get("FOLLOWTHROUGH_CONFIG")
    return (Path(named), True) if named else (default_config_path(), False)


def load_config(path: str | os.PathLike | None = None, *, required: bool = True) -> Config:
    """A file that was named (--config, FOLLOWTHROUGH_CONFIG) must exist; the default one may be
    absent when not required, and then every key takes its default."""
    p, named = config_path(path)
    if not p.exists():
        if required or named:
            raise ConfigError(f"{p}: configuration file not found (copy followthrough.example.toml)")
        return parse_config({})
    if p.is_dir():
        raise ConfigError(f"{p}: is a folder, not a configuration file")
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML ({exc})") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot be read ({exc.strerror or exc})") from None
    return parse_config(data, p)


def parse_config(data: dict, path: Path | None = None) -> Config:
    where = str(path) if path else "config"
    for name, values in data.items():
        section = BY_NAME.get(name)
        if section is None:
            raise ConfigError(f"{where}: unknown section [{name}]")
        if not isinstance(values, dict):
            raise ConfigError(f"{where}: [{name}] must be a table")
        for key, value in values.items():
            problem = (_map_problem(section, key, value) if section.is_map
                       else _key_problem(section, key, value))
            if problem:
                raise ConfigError(f"{where}: {problem}")
    if url := data.get("jira", {}).get("url"):
        data = {**data, "jira": {**data["jira"], "url": url.rstrip("/")}}
    return Config(path, data)


def _map_problem(section: Section, raw: str, value) -> str | None:
    where = f"[{section.name}].{_quote(raw)}"
    if not isinstance(value, str):
        return f"{where} must be a string"
    if value not in section.map_values:
        return f"{where} is {value!r}; use {_one_of(section.map_values)}"
    return None


def _key_problem(section: Section, name: str, value) -> str | None:
    key = next((k for k in section.keys if k.name == name), None)
    where = f"[{section.name}].{name}"
    if key is None:
        return f"unknown key {where}"
    if key.kind is tuple:
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            return f"{where} must be a list of non-empty strings"
        return key.check(value) if key.check else None
    # bool is an int in Python; a day count of `true` is still a mistake.
    if not isinstance(value, key.kind) or (key.kind is int and isinstance(value, bool)):
        return f"{where} must be {_type_name(key.kind)}, not {_type_name(type(value))}"
    if key.kind is int:
        return _range_problem(key, where, value)
    if not value:  # an empty text is the key left unset
        return None
    if key.field_spec:
        return _field_spec_problem(value, where)
    return key.check(value) if key.check else None


def _range_problem(key: Key, where: str, value: int) -> str | None:
    if key.low is not None and value < key.low:
        return (f"{where} must not be negative" if key.low == 0
                else f"{where} must be a positive number of {key.unit}")
    if key.high is not None and value > key.high:
        return f"{where} must be at most {key.high:,} {key.unit}, not {value:,}"
    return None


def _field_spec_problem(spec: str, where: str) -> str | None:
    """A field spec is `priority`, `components`, `labels:<prefix>`, or a field: its id
    (customfield_10050) for API data, its name (Severity) for CSV exports, which carry no ids."""
    if spec in ("priority", "components") or (spec.startswith("labels:") and spec != "labels:"):
        return None
    if '"' in spec or spec != spec.strip() or spec == "labels:":
        return f"{where} {spec!r} is not priority, components, labels:<prefix> or a field id or name"
    return None


def _type_name(t) -> str:
    return {str: "text", int: "a whole number", bool: "true or false", list: "a list",
            dict: "a table", float: "a decimal number"}.get(t, getattr(t, "__name__", str(t)))


def _one_of(values: tuple[str, ...]) -> str:
    return ", ".join(values[:-1]) + " or " + values[-1] if len(values) < 4 else "one of " + ", ".join(values)


def _quote(key: str) -> str:
    return key if re.match(r"^[A-Za-z0-9_-]+$", key) else f'"{key}"'
