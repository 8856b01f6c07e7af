"""Runs the SQL models against an open connection, in the order their own SQL implies.

Each file under `etl/models/<schema>/` defines one object named after the file. What a model reads
is found in its SQL (`staging.x`, `marts.x`, or a temp model's bare name), so the order needs no
list kept by hand: a model that reads one no file defines, or a cycle, fails before anything runs.
A model's leading comments may hold headers:

    -- materialize: table | view | temp table | temp view | macro     (table when absent)
    -- materialize: incremental(seq, payload_md5) from issue_versions  (kept between publishes)
    -- test: unique(issue_key)
    -- test: not_null(created_at)
    -- test: accepted_values(class, 'strategic', 'operational', 'unclassified')
    -- test: relationships(incident_key, marts.incidents.issue_key)

A misspelt header is an error, not a comment: it would otherwise turn a view into a table or drop
a test without a word. The data tests run after every model is built; see `run_data_tests`.

An incremental model keeps its rows between publishes in the parse cache (the database attached as
`parsed`, a file beside the raw store). `incremental(seq, payload_md5) from issue_versions` says
that its rows are made per key of the relation named after `from`, which the model reads; its SQL
reads `{{this}}`, its kept rows, to leave out the keys already there, or reads `{{new}}`, the rows of
that relation whose key has no kept rows. Each publish deletes the kept rows whose key that
relation no longer has, adds those of new keys, and the build reads the rest as they are; see
`_build_incremental`. A row must depend only on what its key names (a payload
version, a summary), the model's SQL, the macros, the config tables the model names and the Python
functions it may call (etl/similarity.py): those are its definition, and a change to it, or a full
publish, builds the table anew.
"""
from __future__ import annotations

import difflib
import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import duckdb

from etl import similarity
from etl.errors import UserError
from followthrough import build_version

MODELS_DIR = Path(__file__).resolve().parent / "models"
SCHEMAS = ("staging", "marts")
KINDS = ("table", "view", "temp table", "temp view", "macro", "incremental")
CACHE = "parsed"
HEADERS = ("materialize", "test")
_HEADER = re.compile(r"--\s*([a-z_]+)\s*:\s*(.*)")
_INCREMENTAL = re.compile(r"incremental\(\s*(\w+(?:\s*,\s*\w+)*)\s*\)\s+from\s+(\w+)")
_CONSTANT = re.compile(r"\{\{(?!(?:this|new)\}\})(\w+)\}\}")
# The model a constant is read from: a model that names the constant is built after it.
_CONSTANT_READS = {"as_of": "staging.stg_as_of"}
_TEST = re.compile(r"(unique|not_null|accepted_values|relationships)\((.+)\)")


class ModelError(UserError):
    pass


@dataclass(frozen=True)
class Model:
    path: Path

    @property
    def schema(self) -> str:
        return self.path.parent.name

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def label(self) -> str:
        return f"{self.schema}/{self.path.name}"

    @cached_property
    def text(self) -> str:
        return self.path.read_text()

    @cached_property
    def headers(self) -> list[tuple[str, str]]:
        found = []
        for line in self.text.splitlines():
            if not line.startswith("--"):
                break
            if match := _HEADER.fullmatch(line.strip()):
                word, value = match.groups()
                if word in HEADERS:
                    found.append((word, value.strip()))
                elif close := difflib.get_close_matches(word, HEADERS, n=1, cutoff=0.75):
                    raise ModelError(f"model {self.label}: unknown header '{word}:' (did you mean '{close[0]}:'?)")
        return found

    @property
    def kind(self) -> str:
        kinds = [value for word, value in self.headers if word == "materialize"]
        kind = kinds[0] if kinds else "table"
        if _INCREMENTAL.fullmatch(kind):
            kind = "incremental"
            code = _code(self.text)
            if "{{this}}" not in code and not self.reads_new:
                raise ModelError(f"model {self.label}: an incremental model reads {{{{this}}}}, its kept rows, "
                                 "to leave out the keys it already has, or {{new}}, the rows of new keys")
            if not self.reads_new and not re.search(rf"(?<![.\w]){self.keyed_by}\b", code):
                raise ModelError(f"model {self.label}: an incremental model reads the relation its keys are from, "
                                 f"{self.keyed_by}")
        if kind not in KINDS or len(kinds) > 1:
            raise ModelError(f"model {self.label}: materialize must be one of {', '.join(KINDS)}(key, ...) "
                             f"from relation, not {kind!r}")
        return kind

    @property
    def reads_new(self) -> bool:
        """Reads {{new}}, the rows of new keys, which the runner makes into a table first."""
        return "{{new}}" in _code(self.text)

    @property
    def _incremental(self) -> re.Match:
        (value,) = [value for word, value in self.headers if word == "materialize"]
        return _INCREMENTAL.fullmatch(value)

    @property
    def key(self) -> list[str]:
        """An incremental model's key columns."""
        return [c.strip() for c in self._incremental.group(1).split(",")]

    @property
    def keyed_by(self) -> str:
        """The relation whose keys an incremental model keeps rows for."""
        return self._incremental.group(2)

    @property
    def is_temp(self) -> bool:
        """Named by its bare name: temp objects, and incremental models, whose build reads a temp
        view of their kept table."""
        return self.kind.startswith("temp") or self.kind == "incremental"

    @property
    def tests(self) -> list[str]:
        return [value for word, value in self.headers if word == "test"]

    @property
    def relation(self) -> str:
        """How other SQL names it: temp objects live outside the schemas, under their bare name."""
        return self.name if self.is_temp else f"{self.schema}.{self.name}"

    @property
    def kept(self) -> str:
        return f"{CACHE}.{self.name}"

    def statement(self, constants: "Constants", this: str | None = None, new: str | None = None) -> str:
        """Without `this` and `new`, the statement that builds an incremental model anew."""
        body = _CONSTANT.sub(lambda m: constants[m.group(1)], self.text)
        if self.kind == "incremental":
            body = body.replace("{{new}}", new or self.keyed_by)
            return body.replace("{{this}}", this or "(SELECT " + ", ".join(f"NULL AS {k}" for k in self.key)
                                + " WHERE false)")
        if self.kind == "macro":  # written out in full in its file
            return body
        prefix = {"table": f"CREATE OR REPLACE TABLE {self.relation}",
                  "view": f"CREATE OR REPLACE VIEW {self.relation}",
                  "temp table": f"CREATE OR REPLACE TEMP TABLE {self.name}",
                  "temp view": f"CREATE OR REPLACE TEMP VIEW {self.name}"}[self.kind]
        return f"{prefix} AS\n{body}"


def _code(sql: str) -> str:
    """The SQL without comments and string literals, where a model's name can only be a reference."""
    return re.sub(r"--[^\n]*|'(?:[^']|'')*'", " ", sql)


def declared_models(models_dir: Path = MODELS_DIR) -> list[Model]:
    """Every model, each after the models it reads (ties by schema and name, so the order is stable)."""
    models = {m.relation: m for m in (Model(p) for s in SCHEMAS for p in sorted((models_dir / s).glob("*.sql")))}
    helpers = set(re.findall(r"CREATE OR REPLACE (?:TEMP )?MACRO ([\w.]+)", (models_dir / "macros.sql").read_text()))
    graph = {}
    for model in models.values():
        code = _code(model.text)
        reads = {f"{s}.{n}" for s, n in re.findall(r"\b(staging|marts)\.(\w+)", code)} - helpers
        if missing := sorted(r for r in reads if r not in models):
            raise ModelError(f"model {model.label} reads {', '.join(missing)}, which no model defines")
        reads |= {m.relation for m in models.values() if m.is_temp and re.search(rf"(?<![.\w]){m.name}\b", code)}
        reads |= {_CONSTANT_READS[c] for c in _CONSTANT.findall(model.text) if c in _CONSTANT_READS}
        if model.kind == "incremental" and model.keyed_by in models:
            reads.add(model.keyed_by)   # read through {{new}}, which does not name it
        graph[model.relation] = reads - {model.relation}
    sorter = TopologicalSorter(graph)
    try:
        sorter.prepare()
    except CycleError as exc:
        cycle = " -> ".join(exc.args[1])
        raise ModelError(f"models read each other in a cycle: {cycle}") from None
    order = []
    while sorter.is_active():
        ready = sorted(sorter.get_ready(), key=lambda r: (SCHEMAS.index(models[r].schema), r))
        order += ready
        sorter.done(*ready)
    return [models[r] for r in order]


class Constants:
    """Configuration that SQL needs as constants, written into the models' text as SQL literals
    where a model names them (`{{field_paths}}`), each read from the config tables when first used.

    These are the only places configuration becomes SQL text; each is a literal, never code.
    field_paths: json_extract only takes a constant list of paths, and one call per payload is what
    makes a single pass possible. Names cannot contain a double quote (etl.config refuses them);
    single quotes are doubled. risk_pattern: a regular expression built from a column is compiled
    again for every row, which cost 34 s of CPU at 1,000,000 issues against 2 s. as_of: the
    build's as-of time (staging.stg_as_of) as a timestamp literal, so that a macro choosing between
    the states stored for it and those computed for another moment is decided when DuckDB plans
    the query; compared with a subquery, the branch not taken still read every item.
    build_version: which version of the code built the file (followthrough/build_version.py).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self._con = con
        self._values: dict[str, str] = {}

    def __getitem__(self, name: str) -> str:
        if name not in self._values:
            make = getattr(self, f"_{name}", None)
            if make is None:
                known = ", ".join(m[1:] for m in vars(Constants) if m.startswith("_") and not m.startswith("__"))
                raise ModelError(f"no constant {{{{{name}}}}} for models (there are {known})")
            self._values[name] = make()
        return self._values[name]

    def _field_paths(self) -> str:
        rows = self._con.execute("SELECT field_id FROM config.field_sources WHERE source = 'field' "
                                 "ORDER BY attribute").fetchall()
        # A path no issue has keeps the list non-empty and typed when no custom field is configured.
        paths = [f'$.fields."{field_id}"' for (field_id,) in rows] or ["$.fields.__none__"]
        return "[" + ", ".join(_literal(p) for p in paths) + "]"

    def _as_of(self) -> str:
        (as_of,) = self._con.execute("SELECT as_of FROM staging.stg_as_of").fetchall()[0]
        return f"TIMESTAMP '{as_of:%Y-%m-%d %H:%M:%S.%f}'"

    def _build_version(self) -> str:
        return _literal(build_version.fingerprint())

    def _risk_pattern(self) -> str:
        (section,) = self._con.execute("SELECT risk_section FROM config.settings").fetchall()[0]
        return _literal(risk_pattern(section))


def risk_pattern(section: str) -> str:
    r"""The description's risk: the text after a line labelled like "Risk:", "h3. Risk", "## Risk" or
    "*Risk*", up to the next blank line or heading. The label is quoted with \Q...\E, inside which
    only "\E" itself needs breaking up; a label ending in a letter must end a word ("Riskless" is
    not "Risk")."""
    quoted = r"\Q" + section.replace(r"\E", r"\E\\E\Q") + r"\E"
    word_end = r"\b" if section[-1:].isalnum() or section.endswith("_") else ""
    return (r"(?is)(?:^|\n)[ \t]*(?:h[1-6]\.[ \t]*|#{1,6}[ \t]*)?[*_]{0,2}" + quoted + word_end
            + r"[*_]{0,2}[ \t]*:?[*_]{0,2}\s*(\S.*?)\s*(?:\r?\n[ \t]*\r?\n|\r?\n[ \t]*(?:h[1-6]\.|#{1,6}[ \t])|\z)")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def run_models(con: duckdb.DuckDBPyConnection, models_dir: Path = MODELS_DIR, full: bool = False) -> None:
    """`full` builds the incremental models anew instead of adding to what they kept."""
    models = declared_models(models_dir)
    # Checked before the first model runs, so a malformed test costs no build.
    tests = [(model, test, sql) for model in models for test, sql in _test_queries(model)]
    macros = (models_dir / "macros.sql").read_text()
    con.execute(macros)
    # A connection that published before has them: the raw store's stays open across publishes.
    if not con.execute("SELECT count(*) FROM duckdb_functions() WHERE function_name = 'summary_words'").fetchall()[0][0]:
        similarity.register(con)
    constants = Constants(con)
    definitions: dict[str, str] = {}
    # `from` names a bare relation, so only a temp view can be one.
    temp_views = {m.relation for m in models if m.kind == "temp view"}
    for model in models:
        try:
            if model.kind == "incremental":
                definitions[model.relation] = _definition(con, model, models, constants, macros, definitions)
                _build_incremental(con, model, constants, definitions[model.relation], full,
                                   from_view=model.keyed_by in temp_views)
            else:
                con.execute(model.statement(constants))
        except duckdb.Error as exc:
            raise ModelError(f"model {model.label} failed: {str(exc).splitlines()[0]}") from exc
    run_data_tests(con, tests)


def _definition(con: duckdb.DuckDBPyConnection, model: Model, models: list[Model], constants: Constants,
                macros: str, definitions: dict[str, str]) -> str:
    """What a kept row was made by: the model's SQL as run, the macros, the DuckDB version, the rows
    of each config table the model names, and the definitions of the incremental models it reads.
    Changing any of them makes the kept rows stale."""
    digest = hashlib.md5()
    code = _code(model.text)
    for part in (model.statement(constants), macros, duckdb.__version__, model.key):
        digest.update(repr(part).encode())
    # The Python functions it calls (etl/similarity.py) made its rows too.
    if any(re.search(rf"\b{name}\s*\(", code) for name in similarity.FUNCTIONS):
        digest.update(Path(similarity.__file__).read_bytes())
    for table in sorted(set(re.findall(r"\bconfig\.(\w+)", code))):
        digest.update(repr(con.execute(f"SELECT list(t::VARCHAR ORDER BY t::VARCHAR) FROM config.{table} AS t")
                           .fetchall()).encode())
    for other in models:
        # Read through {{new}}, the relation its keys are from is not named in its code.
        read = re.search(rf"(?<![.\w]){other.name}\b", code) or other.relation == model.keyed_by
        if other.relation in definitions and read:
            digest.update(definitions[other.relation].encode())
    return digest.hexdigest()


def _build_incremental(con: duckdb.DuckDBPyConnection, model: Model, constants: Constants, definition: str,
                       full: bool, from_view: bool = False) -> None:
    """Brings the model's kept table up to date, one committed statement at a time.

    Every step leaves the cache true whatever stops the process after it: kept rows are those of
    their key, so one kept too long is only deleted later, and the definition is recorded only
    once a table built anew is complete (a missing one means "build anew").
    """
    key = model.key
    con.execute(f"CREATE TABLE IF NOT EXISTS {CACHE}.definitions (model VARCHAR PRIMARY KEY, definition VARCHAR)")
    kept = con.execute(f"SELECT definition FROM {CACHE}.definitions WHERE model = ?", [model.name]).fetchall()
    exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND table_name = ?",
                         [CACHE, model.name]).fetchall()[0][0]
    if full or not exists or kept != [(definition,)]:
        con.execute(f"DELETE FROM {CACHE}.definitions WHERE model = ?", [model.name])
        con.execute(f"CREATE OR REPLACE TABLE {model.kept} AS\n{model.statement(constants)}")
        con.execute(f"INSERT INTO {CACHE}.definitions VALUES (?, ?)", [model.name, definition])
    else:
        source = model.keyed_by
        if from_view and model.reads_new:
            # Its keys and its new rows are both read from the relation, and a view is computed
            # at every read: issue_versions took 0.9-1.4 s and 1.0-2.0 s at 1,000,000 issues. Only
            # here: read from a table, the build anew planned its join with the payloads so that
            # its peak memory doubled.
            source = f"{model.name}__from"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {source} AS SELECT * FROM {model.keyed_by}")
        # The keys copied first: against a view DuckDB planned the delete so that it never ended.
        con.execute(f"CREATE OR REPLACE TEMP TABLE {model.name}__keys AS "
                    f"SELECT DISTINCT {', '.join(key)} FROM {source}")
        matches = " AND ".join(f"k.{c} = kept.{c}" for c in key)
        con.execute(f"DELETE FROM {model.kept} AS kept "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {model.name}__keys AS k WHERE {matches})")
        con.execute(f"DROP TABLE {model.name}__keys")
        new = None
        if model.reads_new:
            # A table, not a subquery: joined to a table, the few new rows let DuckDB skip the rest
            # of it (issue_documents reads only the new versions' payloads: 0.01 s against 0.26 s
            # at 100,000 issues).
            new = f"{model.name}__new"
            con.execute(f"CREATE OR REPLACE TEMP TABLE {new} AS SELECT * FROM {source} "
                        f"ANTI JOIN {model.kept} USING ({', '.join(key)})")
        con.execute(f"INSERT INTO {model.kept} BY NAME\n{model.statement(constants, this=model.kept, new=new)}")
        if new:
            con.execute(f"DROP TABLE {new}")
        if source != model.keyed_by:
            con.execute(f"DROP TABLE {source}")
    con.execute(f"CREATE OR REPLACE TEMP VIEW {model.name} AS SELECT * FROM {model.kept}")


def run_data_tests(con: duckdb.DuckDBPyConnection, tests: list[tuple[Model, str, str]]) -> None:
    """Every declared test, after the build and before the swap: one that finds rows breaking it
    fails the publish, so the published file is kept, and the message names the test."""
    for model, test, sql in tests:
        try:
            (bad,) = con.execute(sql).fetchall()[0]
        except duckdb.Error as exc:
            raise ModelError(f"data test {model.relation} {test} could not run: {str(exc).splitlines()[0]}") from exc
        if bad:
            raise ModelError(f"data test {model.relation} {test} failed: {bad:,} row{'s' if bad != 1 else ''}")


def _test_queries(model: Model) -> list[tuple[str, str]]:
    queries = []
    for test in model.tests:
        match = _TEST.fullmatch(test)
        if not match or model.kind == "macro":
            raise ModelError(f"model {model.label}: cannot run test {test!r} (unique, not_null, accepted_values "
                             "or relationships, on a table or view)")
        kind, args = match.groups()
        column, *rest = [a.strip() for a in args.split(",")]
        where = model.relation
        if kind == "unique":
            sql = f"SELECT count(*) FROM (SELECT {column} FROM {where} GROUP BY ALL HAVING count(*) > 1)"
        elif kind == "not_null":
            sql = f"SELECT count(*) FROM {where} WHERE {column} IS NULL"
        elif kind == "accepted_values":
            sql = f"SELECT count(*) FROM {where} WHERE {column} NOT IN ({', '.join(rest)})"
        else:
            target, _, target_column = rest[0].rpartition(".")
            sql = (f"SELECT count(*) FROM {where} WHERE {column} IS NOT NULL "
                   f"AND {column} NOT IN (SELECT {target_column} FROM {target})")
        queries.append((test, sql))
    return queries
