"""The site's fields, and which of them probably hold severity, service and team.

Guessing by name and type is only a suggestion: the user copies what fits into [fields].
"""
from __future__ import annotations

import re

# (dimension, name pattern, field types that can hold it)
HINTS = (
    ("severity", re.compile(r"sev|severity|impact|urgency|criticality|priority", re.I),
     {"option", "string", "number", "priority"}),
    ("service", re.compile(r"service|component|system|application|\bapp\b|product", re.I),
     {"option", "string", "component", "array"}),
    ("team", re.compile(r"team|squad|owner|responsible|department|group", re.I),
     {"option", "string", "team", "user", "group", "array"}),
)
# System fields the config names by word rather than by id.
SPEC_FOR = {"priority": "priority", "components": "components"}


def type_of(field: dict) -> str:
    schema = field.get("schema") or {}
    kind = schema.get("type", "")
    if kind == "array" and schema.get("items"):
        kind = f"array<{schema['items']}>"
    custom = (schema.get("custom") or "").rpartition(":")[2]
    return f"{kind} ({custom})" if custom else kind or "-"


def candidates(fields: list[dict]) -> dict[str, list[dict]]:
    """Per dimension, the fields worth trying, best first: a name that is just the word, then custom fields."""
    found = {}
    for dimension, pattern, kinds in HINTS:
        matches = [f for f in fields
                   if pattern.search(f.get("name", "")) and (f.get("schema") or {}).get("type") in kinds
                   and (f.get("custom") or f["id"] in SPEC_FOR)]
        matches.sort(key=lambda f: (f.get("name", "").strip().lower() != dimension, not f.get("custom"),
                                    f.get("name", "").lower()))
        found[dimension] = matches[:3]
    return found


def spec(field: dict) -> str:
    return SPEC_FOR.get(field["id"], field["id"])


def render(fields: list[dict]) -> str:
    rows = sorted(fields, key=lambda f: (bool(f.get("custom")), f.get("name", "").lower()))
    id_width = max([len("ID")] + [len(f["id"]) for f in rows])
    name_width = max([len("NAME")] + [len(f.get("name", "")) for f in rows])
    lines = [f"{'ID':<{id_width}}  {'NAME':<{name_width}}  TYPE"]
    lines += [f"{f['id']:<{id_width}}  {f.get('name', ''):<{name_width}}  {type_of(f)}" for f in rows]
    lines += ["", "Likely candidates for [fields] in your configuration:"]
    for dimension, matches in candidates(fields).items():
        if not matches:
            lines.append(f"  # {dimension}: no likely field; \"labels:{dimension}-\" reads labels such as "
                         f"{dimension}-<value>")
        for i, f in enumerate(matches):
            entry = f'{"" if i == 0 else "# "}{dimension} = "{spec(f)}"'
            lines.append(f"  {entry:<40} # {f.get('name', '')}, {type_of(f)}")
    return "\n".join(lines)
