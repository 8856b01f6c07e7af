"""Runs the SQL models in their declared order against an open connection."""
from __future__ import annotations

from pathlib import Path

import duckdb

from etl.errors import UserError

MODELS_DIR = Path(__file__).resolve().parent / "models"


class ModelError(UserError):
    pass


def declared_models(models_dir: Path = MODELS_DIR) -> list[Path]:
    lines = (models_dir / "build_order.txt").read_text().splitlines()
    return [models_dir / line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _field_paths(con: duckdb.DuckDBPyConnection) -> str:
    """The JSON paths of the configured custom fields as a SQL list literal.

    json_extract only takes a constant list of paths, and one call per payload is what makes a
    single pass possible; so this is the one place configuration is written into SQL text. Names
    cannot contain a double quote (etl.config refuses them); single quotes are doubled.
    """
    rows = con.execute("SELECT field_id FROM config.field_sources WHERE source = 'field' "
                       "ORDER BY attribute").fetchall()
    # A path no issue has keeps the list non-empty and typed when no custom field is configured.
    paths = [f'$.fields."{field_id}"' for (field_id,) in rows] or ["$.fields.__none__"]
    return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"


def run_models(con: duckdb.DuckDBPyConnection, models_dir: Path = MODELS_DIR) -> None:
    con.execute((models_dir / "macros.sql").read_text())
    for path in declared_models(models_dir):
        schema, name = path.parent.name, path.stem
        body = path.read_text().replace("{{field_paths}}", _field_paths(con))
        # Temp views and tables are plumbing that must not be copied into the published file;
        # macros are parameterised metrics the dashboard calls, written out in full in their file.
        if body.startswith("-- materialize: macro"):
            statement = body
        elif body.startswith("-- materialize: temp view"):
            statement = f"CREATE OR REPLACE TEMP VIEW {name} AS\n{body}"
        elif body.startswith("-- materialize: temp table"):
            statement = f"CREATE OR REPLACE TEMP TABLE {name} AS\n{body}"
        elif body.startswith("-- materialize: view"):
            statement = f"CREATE OR REPLACE VIEW {schema}.{name} AS\n{body}"
        else:
            statement = f"CREATE OR REPLACE TABLE {schema}.{name} AS\n{body}"
        try:
            con.execute(statement)
        except duckdb.Error as exc:
            raise ModelError(f"model {schema}/{path.name} failed: {str(exc).splitlines()[0]}") from exc
