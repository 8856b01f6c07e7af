"""Writes followthrough.example.toml from the key definitions, so its comments cannot drift.

    .venv/bin/python -m etl.config_example > followthrough.example.toml
"""
from __future__ import annotations

import json

from etl.config_keys import SECTIONS, Key, Section

HEADER = """\
# Followthrough configuration. Copy to followthrough.toml (or point FOLLOWTHROUGH_CONFIG or
# --config at it). Every key is optional unless said otherwise; an unknown key is an error, so a
# typo is caught instead of silently ignored. Changing anything below only needs
# `python -m etl publish`: the raw Jira data is kept, the SQL models are re-run.
"""


def example_toml() -> str:
    return HEADER + "".join("\n" + _section(s) for s in SECTIONS)


def _section(section: Section) -> str:
    lines = _comment(section.help) + [f"[{section.name}]"]
    if section.is_map:
        lines += [f"{_toml_key(raw)} = {_toml(value)}" for raw, value in section.map_example]
        lines += [f"# {section.map_hint}"] if section.map_hint else []
    for key in section.keys:
        lines += _comment(key.help) + [f"{key.name} = {_toml(_shown(key))}"]
    return "\n".join(lines) + "\n"


def _shown(key: Key):
    return key.default if key.example is None else key.example


def _comment(text: str) -> list[str]:
    return [f"# {line}" for line in text.splitlines()]


def _toml(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)


def _toml_key(name: str) -> str:
    return name if name.replace("_", "").replace("-", "").isalnum() else json.dumps(name)


if __name__ == "__main__":
    print(example_toml(), end="")
