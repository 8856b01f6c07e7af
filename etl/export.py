"""`python -m etl export DIR`: the published marts as files a data team loads into its own warehouse.

It reads the published file, not the raw store, so an export holds exactly the figures the
dashboard shows and needs no ETL lock: a publish renaming a new file in meanwhile leaves the open
one whole. The folder is written beside DIR under a temporary name and renamed into place only
when every file is written, so a loader never picks up half an export, and `--force` removes the
previous one only after that.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb

from datapaths import published_path
from etl.durable import alive, fsync
from etl.errors import UserError
from etl.export_schema import Exported, schema_markdown

# DuckDB's own writers, built into the wheel: nothing to download.
FORMATS = {"parquet": "FORMAT parquet", "csv": "FORMAT csv, HEADER true"}
# What an export folder holds; --force replaces nothing else, so a mistyped DIR is never wiped.
_EXPORT_FILES = ("schema.md", *(f".{fmt}" for fmt in FORMATS))


@dataclass(frozen=True)
class ExportResult:
    path: Path
    tables: list[Exported]
    as_of: object


def export(target: Path, fmt: str = "parquet", force: bool = False) -> ExportResult:
    if fmt not in FORMATS:
        raise UserError(f"unknown format {fmt!r}: choose parquet or csv")
    source = published_path()
    if not source.is_file():
        raise UserError(f"no published file at {source}: load data first (demo, import-json, import-csv or sync)")
    target = Path(target).absolute()
    _check_target(target, force)
    work = target.with_name(f".export-{os.getpid()}-{target.name}")
    _remove_abandoned(target)
    try:
        work.mkdir()
        tables, as_of = _write(source, work, fmt)
        for written in (*work.iterdir(), work):
            fsync(written)
        _swap(work, target)
        fsync(target.parent)
    except (duckdb.Error, OSError) as exc:
        raise UserError(f"could not write the export ({_first_line(exc)}); if the disk is full, free some "
                        f"space and run again ({target} was left as it was)") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return ExportResult(target, tables, as_of)


def _check_target(target: Path, force: bool) -> None:
    existing = next(p for p in (target, *target.parents) if p.exists() or p.is_symlink())
    if existing != target:
        if not existing.is_dir():
            raise UserError(f"cannot export to {target}: {existing} is a file, not a folder")
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot make the folder {target.parent}: {exc.strerror}") from None
        return
    if not target.is_dir():
        raise UserError(f"cannot export to {target}: it is a file, not a folder")
    if not force:
        raise UserError(f"{target} already exists: pass --force to replace it once the new export is complete")
    if strangers := sorted(p.name for p in target.iterdir() if not p.name.endswith(_EXPORT_FILES)):
        raise UserError(f"{target} holds files no export writes ({', '.join(strangers[:3])}): not replacing it")


def _write(source: Path, work: Path, fmt: str) -> tuple[list[Exported], object]:
    # A fresh instance rather than duckdb.connect(path), which could hand back this process's
    # cached instance still reading a file a publish has since replaced.
    con = duckdb.connect(":memory:")
    try:
        try:
            con.execute("ATTACH ? AS published (READ_ONLY)", [str(source)])
        except duckdb.Error as exc:
            raise UserError(f"cannot read the published file {source}: {_first_line(exc)}") from None
        con.execute("USE published")
        names = con.execute("""
            SELECT table_name, 'table' FROM duckdb_tables() WHERE database_name = 'published' AND schema_name = 'marts'
            UNION ALL
            SELECT view_name, 'view' FROM duckdb_views() WHERE database_name = 'published' AND schema_name = 'marts'
            ORDER BY 1""").fetchall()
        if not any(name == "build_info" for name, _ in names):
            raise UserError(f"{source} is not a Followthrough published file (it has no marts.build_info)")
        tables = []
        for name, kind in names:
            path = work / f"{name}.{fmt}"
            quoted = str(path).replace("'", "''")
            (rows,) = con.execute(f"""COPY (SELECT * FROM marts."{name}") TO '{quoted}' ({FORMATS[fmt]})""").fetchone()
            tables.append(Exported(name, kind, path.name, rows))
        (as_of,) = con.execute("SELECT as_of FROM marts.build_info").fetchone()
        (work / "schema.md").write_text(schema_markdown(con, tables, fmt, source, as_of))
        return tables, as_of
    finally:
        con.close()


def _swap(work: Path, target: Path) -> None:
    if not target.exists():
        os.rename(work, target)
        return
    old = target.with_name(f".export-{os.getpid()}-old-{target.name}")
    os.rename(target, old)
    try:
        os.rename(work, target)
    except OSError:
        os.rename(old, target)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _remove_abandoned(target: Path) -> None:
    """An export killed mid-way leaves its temporary folder behind; the pid in its name tells."""
    for leftover in target.parent.glob(f".export-*-{target.name}"):
        pid = leftover.name.split("-")[1]
        if pid.isdigit() and not alive(int(pid)):
            shutil.rmtree(leftover, ignore_errors=True)


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
