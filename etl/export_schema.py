"""The schema.md of an export: every table's columns, types and meanings, in the models' own words.

A table's description is its model's leading comment. A column's meaning is what docs/metrics.md
says where it cites the model (a row naming the column, or whose metric is the column's name)
and what a comment on the column's expression in the model says. Nothing is made up: a column
neither explains is marked as not documented, so the gap shows instead of a guess.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import duckdb

from datapaths import PROJECT_ROOT
from etl.runner import HEADERS, MODELS_DIR, Model

METRICS = PROJECT_ROOT / "docs" / "metrics.md"
UNDOCUMENTED = "*not documented*"
_HEADER = re.compile(rf"--\s*({'|'.join(HEADERS)})\s*:")
_CITED = re.compile(r"`marts[./](\w+)(?:\.sql)?`")
_PAIR = re.compile(r"`marts/(\w+)\.sql`,\s*`(\w+)`")
_TICKED = re.compile(r"`(\w+)`")
_ALIAS = re.compile(r"\bas\s+(\w+)\s*,?\s*$", re.IGNORECASE)
_NOT_AN_EXPRESSION = re.compile(r"\s*(?:\w+\s+as\s+(?:materialized\s+)?\(|(?:select|from|union|where|group|with)\b)",
                                re.IGNORECASE)


@dataclass(frozen=True)
class Exported:
    name: str
    kind: str
    file: str
    rows: int


def description(model: Model) -> str:
    """The model's leading comment without its materialize/test headers."""
    lines = []
    for line in model.text.splitlines():
        if not line.startswith("--"):
            break
        if not _HEADER.match(line):
            lines.append(line.removeprefix("--").strip())
    return " ".join(lines).strip()


def schema_markdown(con: duckdb.DuckDBPyConnection, tables: list[Exported], fmt: str, source: Path,
                    as_of) -> str:
    passages = list(_passages(METRICS.read_text()))
    columns = {}
    for table, column, data_type in con.execute("""
            SELECT table_name, column_name, data_type FROM duckdb_columns()
            WHERE database_name = 'published' AND schema_name = 'marts' ORDER BY table_name, column_index""").fetchall():
        columns.setdefault(table, []).append((column, data_type))
    out = [f"# Followthrough export, as of {as_of:%Y-%m-%d %H:%M} UTC", "",
           f"Every table and view of the `marts` schema of `{source}`, one {fmt.upper()} file each. "
           "Times are UTC without a time zone. Meanings are quoted from each model "
           "(`etl/models/marts/<name>.sql`) and from `docs/metrics.md`; a column neither explains is "
           f"marked {UNDOCUMENTED}: its model's SQL is its definition. Checks are the model's data "
           "tests, which every publish passes.", ""]
    if fmt == "csv":
        out += ["In CSV a list (`VARCHAR[]`) is written as `[a, b]`, a boolean as `true`/`false`, and "
                "NULL as an empty field.", ""]
    out += ["| table | kind | file | rows |", "| --- | --- | --- | --- |"]
    out += [f"| `marts.{t.name}` | {t.kind} | `{t.file}` | {t.rows:,} |" for t in tables]
    for t in tables:
        model = Model(MODELS_DIR / "marts" / f"{t.name}.sql")
        known = model.path.is_file()
        meanings = _meanings(model, [c for c, _ in columns[t.name]], passages) if known else {}
        checks = _checks(model) if known else {}
        out += ["", f"## marts.{t.name}", "", (description(model) if known else "") or "No description.", "",
                "| column | type | checks | meaning |", "| --- | --- | --- | --- |"]
        out += [f"| `{c}` | `{data_type}` | {_cell(', '.join(checks.get(c, [])))} | "
                f"{_cell(' '.join(meanings.get(c, [])) or UNDOCUMENTED)} |" for c, data_type in columns[t.name]]
    return "\n".join(out + [""] + _macros(con, passages)) + "\n"


def _macros(con: duckdb.DuckDBPyConnection, passages: list[tuple[str, str, str, str]]) -> list[str]:
    rows = con.execute("""
        SELECT function_name, function_type, parameters FROM duckdb_functions()
        WHERE database_name = 'published' AND schema_name = 'marts' ORDER BY function_name""").fetchall()
    out = ["## Parameterised, query the published file", "",
           "These take the dashboard's selection or a moment, so they have no rows of their own to export: "
           "query them in the published file with DuckDB, e.g. "
           "`SELECT * FROM marts.action_items_at((SELECT as_of FROM marts.build_info))`.", "",
           "| macro | returns | what it is |", "| --- | --- | --- |"]
    for name, kind, parameters in rows:
        model = Model(MODELS_DIR / "marts" / f"{name}.sql")
        what = description(model) if model.path.is_file() else ""
        what = what or " ".join(text for _, text, _, cited in passages if name in cited.split()) or "No description."
        returns = "rows" if kind == "table_macro" else "a value"
        out.append(f"| `marts.{name}({', '.join(parameters)})` | {returns} | {_cell(what)} |")
    return out


def _checks(model: Model) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for test in model.tests:
        kind, _, args = test.partition("(")
        column, *rest = [a.strip() for a in args.rstrip(")").split(",")]
        text = {"unique": "unique", "not_null": "not null",
                "accepted_values": "one of " + ", ".join(rest),
                "relationships": f"in {rest[0] if rest else ''}"}.get(kind, test)
        found.setdefault(column, []).append(text)
    return found


def _meanings(model: Model, columns: list[str], passages: list[tuple[str, str, str, str]]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for column, comment in _commented_columns(model).items():
        if column in columns:
            found.setdefault(column, []).append(f"{comment} (model)")
    for name, text, where, cited in passages:
        if model.name not in cited.split():
            continue
        named = {c for m, c in _PAIR.findall(where) if m == model.name}
        named |= {_identifier(part) for part in re.split(r",| and ", name)} & set(columns)
        # A row that defines a column by its name cites the columns it is computed from, not defines them.
        if not named and name:
            named = set(_TICKED.findall(text))
        for column in columns:
            if column in named:
                found.setdefault(column, []).append(f"{text} (docs/metrics.md)")
    return found


def _commented_columns(model: Model) -> dict[str, str]:
    """Comments written just above a column's expression, by the column they explain."""
    lines = model.text.splitlines()
    found, comment = {}, []
    start = next((i for i, line in enumerate(lines) if not line.startswith("--")), len(lines))
    for line in lines[start:]:
        stripped = line.strip()
        if stripped.startswith("--"):
            comment.append(stripped.removeprefix("--").strip())
        elif comment and (not stripped or _NOT_AN_EXPRESSION.match(stripped)):
            comment = []
        elif comment and (alias := _ALIAS.search(stripped)):
            found.setdefault(alias[1], " ".join(comment))
            comment = []
    return found


def _passages(text: str):
    """(metric, what it says, where it cites, the marts it cites) for each row of a table of metrics
    with a `where` column, and for each list item (no metric)."""
    header, item = None, None
    for line in text.splitlines() + [""]:
        if item is not None and line.startswith("  ") and line.strip():
            item.append(line.strip())
            continue
        if item is not None:
            joined = " ".join(item)
            yield "", joined, joined, " ".join(_CITED.findall(joined))
            item = None
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split(" | ")]
            if header is None:
                header = [c.lower() for c in cells]
            elif "where" in header and len(cells) == len(header) and not set(cells[0]) <= set("-: "):
                row = dict(zip(header, cells))
                said = f"{cells[0]}: {row.get('definition', '')}"
                yield cells[0], said, row["where"], " ".join(_CITED.findall(row["where"]))
        else:
            header = None
            if line.startswith("- "):
                item = [line[2:].strip()]


def _identifier(text: str) -> str:
    return re.sub(r"\W+", "_", text.replace("*", "").strip().lower()).strip("_")


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
