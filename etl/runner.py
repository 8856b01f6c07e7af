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


def run_models(con: duckdb.DuckDBPyConnection, models_dir: Path = MODELS_DIR) -> None:
    con.execute((models_dir / "macros.sql").read_text())
    for path in declared_models(models_dir):
        schema, name = path.parent.name, path.stem
        body = path.read_text()
        # Temp views are plumbing that must not be copied into the published file; macros are
        # parameterised metrics the dashboard calls, written out in full in their file.
        if body.startswith("-- materialize: macro"):
            statement = body
        elif body.startswith("-- materialize: temp view"):
            statement = f"CREATE OR REPLACE TEMP VIEW {name} AS\n{body}"
        else:
            statement = f"CREATE OR REPLACE TABLE {schema}.{name} AS\n{body}"
        try:
            con.execute(statement)
        except duckdb.Error as exc:
            raise ModelError(f"model {schema}/{path.name} failed: {str(exc).splitlines()[0]}") from exc
