"""`python -m etl`: load Jira data into the raw store and publish the dashboard database.

Every command that changes data holds the ETL lock, records a load in the raw store, and
publishes only when the load finished. User mistakes end as one line on stderr with exit code 1.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from datapaths import published_path, warehouse_path
from etl.config import DEMO_CONFIG, Config, load_config
from etl.errors import UserError, error_line
from etl.lock import etl_lock
from etl.publish import PublishResult, publish
from etl.rawstore import KEEP_SITES_APART, RawStore
from etl.redact import redacted_output


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    with redacted_output():
        return _run(args)


def _run(args) -> int:
    try:
        return args.run(args)
    except UserError as exc:
        return _fail(exc)
    except KeyboardInterrupt:
        return _fail("interrupted; nothing was published", code=130)
    except duckdb.OutOfMemoryException:
        return _fail(_out_of_memory())
    except BrokenPipeError:
        # What reads the output went away (`status | head`): stop quietly, as other tools do, with
        # the code of a process SIGPIPE ended. Not "could not write": the disk is not the problem.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 128 + 13
    except (duckdb.IOException, duckdb.TransactionException, duckdb.FatalException, OSError) as exc:
        return _fail(_cannot_write(exc))


def _fail(message: object, code: int = 1) -> int:
    print(error_line(message), file=sys.stderr)
    return code


def _cannot_write(exc: BaseException) -> str:
    """A full disk, or a file the system refuses, while loading or publishing. Loads are
    transactions and publishing swaps a finished file in, so nothing half-written is used."""
    if isinstance(exc, OSError):
        what = f"{exc.filename}: {exc.strerror}" if exc.filename else str(exc.strerror or exc)
    else:
        what = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return (f"could not write ({what}); if the disk is full, free some space and run again "
            "(nothing was published, nothing half-written is kept)")


def _out_of_memory() -> str:
    limit = os.environ.get("FOLLOWTHROUGH_MEMORY_LIMIT")
    advice = f"under FOLLOWTHROUGH_MEMORY_LIMIT={limit}: raise it" if limit else "on this machine: free some"
    return f"DuckDB ran out of memory {advice} and run again (nothing was published)"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    parser.add_argument("--config", help="configuration file (default: $FOLLOWTHROUGH_CONFIG or ./followthrough.toml)")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="build and publish the built-in demo database")
    demo.add_argument("--incidents", type=_positive, default=400, help="how many incidents (default 400)")
    demo.add_argument("--seed", type=int, default=7)
    demo.set_defaults(run=cmd_demo)

    imp = commands.add_parser("import-json", help="load Jira issue JSON files and publish")
    imp.add_argument("paths", nargs="+", type=Path)
    imp.add_argument("--as-of", type=_timestamp, help="compute figures as of this UTC time (default: import time)")
    imp.set_defaults(run=cmd_import_json)

    csv = commands.add_parser("import-csv", help="load a Jira CSV export (all fields) and publish")
    csv.add_argument("path", type=Path)
    csv.add_argument("--as-of", type=_timestamp, help="compute figures as of this UTC time (default: import time)")
    csv.set_defaults(run=cmd_import_csv)

    sync = commands.add_parser("sync", help="fetch new and changed issues from Jira and publish")
    sync.add_argument("--full", action="store_true", help="re-read everything, not just what changed")
    sync.add_argument("--reconcile", action="store_true", help="also retire issues deleted in Jira or no longer matched")
    sync.set_defaults(run=cmd_sync)

    fields = commands.add_parser("fields", help="list the Jira site's fields and suggest the mapping")
    fields.set_defaults(run=cmd_fields)

    pub = commands.add_parser("publish", help="re-run the SQL models on stored data (after a config change)")
    pub.add_argument("--as-of", type=_timestamp, help="compute figures as of this UTC time")
    pub.add_argument("--full", action="store_true",
                     help="parse every stored payload again instead of reusing what earlier publishes parsed")
    pub.set_defaults(run=cmd_publish)

    status = commands.add_parser("status", help="what is published, when, from where, and what was quarantined")
    status.set_defaults(run=cmd_status)

    export = commands.add_parser("export", help="write the published tables to DIR as Parquet or CSV, with schema.md")
    export.add_argument("dir", type=Path)
    export.add_argument("--format", default="parquet", help="parquet (default) or csv")
    export.add_argument("--force", action="store_true", help="replace DIR, an earlier export, once the new one is complete")
    export.set_defaults(run=cmd_export)

    digest = commands.add_parser("digest", help="send each team its past-target, near-target and stalled items")
    digest.add_argument("--team", help="only this team's digest")
    digest.add_argument("--dry-run", action="store_true", help="print what would be sent, send nothing")
    digest.add_argument("--force", action="store_true", help="send again what was already sent today")
    digest.set_defaults(run=cmd_digest)

    report = commands.add_parser("report", help="write the quarterly review pack, or one incident's update "
                                                "(Markdown, HTML, CSV zip)")
    subject = report.add_mutually_exclusive_group(required=True)
    subject.add_argument("--quarter", help="the quarter to review, e.g. 2026Q3")
    subject.add_argument("--incident", help="the incident whose follow-up to report, e.g. OPS-123")
    for name in ("severity", "service", "team"):
        report.add_argument(f"--{name}", action="append", default=[], help=f"only this {name} (repeatable)")
    report.add_argument("--out", type=Path, required=True, help="folder to write the files to")
    report.set_defaults(run=cmd_report)
    return parser


def _positive(text: str) -> int:
    value = int(text)
    if value <= 0:
        raise argparse.ArgumentTypeError("must be a positive whole number")
    return value


def _timestamp(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an ISO date or time") from None
    return value.astimezone(timezone.utc) if value.tzinfo else value.replace(tzinfo=timezone.utc)


# -- commands -------------------------------------------------------------------------------------

def cmd_demo(args) -> int:
    from etl.demo.load import load_demo

    cfg = load_config(DEMO_CONFIG)
    # The demo keeps its own raw store so it can never mix with, or wipe, real Jira data.
    demo_store = published_path().with_name("demo-warehouse.duckdb")
    started = time.monotonic()
    with etl_lock(demo_store):
        for stale in (demo_store, demo_store.with_name(demo_store.name + ".wal")):
            stale.unlink(missing_ok=True)
        with RawStore(demo_store) as store:
            load_id = store.begin_load("demo", f"demo generator (incidents={args.incidents}, seed={args.seed})")
            stored = load_demo(store, load_id, incidents=args.incidents, seed=args.seed)
            store.finish_load(load_id, "done", {"issues": stored})
            result = publish(cfg, store)
    print(f"Generated {stored:,} demo issues.")
    _print_published(result, started)
    return 0


def cmd_import_json(args) -> int:
    from etl.importers.json_files import import_json_files

    cfg = _config(args)
    return _load_and_publish(cfg, "json", ", ".join(str(p) for p in args.paths), args.as_of,
                             lambda store, load_id: _summarise_json(import_json_files(store, load_id, args.paths)))


def cmd_import_csv(args) -> int:
    from etl.importers.csv_export import import_csv_file

    cfg = _config(args)

    def load(store: RawStore, load_id: int) -> dict:
        summary = import_csv_file(store, load_id, args.path)
        if not cfg.jira.url:
            summary["message"] += (" No links to Jira: an export names no site; "
                                   "set url under [jira] in the configuration.")
        return summary

    return _load_and_publish(cfg, "csv", str(args.path), args.as_of, load)


def cmd_sync(args) -> int:
    from etl.jira.commands import sync_command

    return sync_command(_config(args, required=True), full=args.full, reconcile=args.reconcile)


def cmd_fields(args) -> int:
    from etl.jira.commands import fields_command

    return fields_command(_config(args, required=True))


def cmd_publish(args) -> int:
    cfg = _config(args)
    started = time.monotonic()
    path = warehouse_path()
    if not path.exists():
        raise UserError(f"no raw store at {path}: load data first (import-json, import-csv or sync)")
    with etl_lock(path), RawStore(path) as store:
        result = publish_site(cfg, store, as_of=args.as_of, full=args.full)
    _print_published(result, started)
    return 0


def cmd_status(args) -> int:
    from etl.status import print_status

    return print_status(published_path(), warehouse_path())


def cmd_export(args) -> int:
    from etl.export import export

    result = export(args.dir, args.format, force=args.force)
    rows = sum(t.rows for t in result.tables)
    print(f"Exported {len(result.tables)} tables ({rows:,} rows, as of {result.as_of:%Y-%m-%d %H:%M} UTC) "
          f"to {result.path}; their columns and meanings are in {result.path / 'schema.md'}.")
    return 0


def cmd_digest(args) -> int:
    from etl.digest.run import digest_command

    # Only [digest] is read, so a missing file is no reason for the note _config gives.
    return digest_command(load_config(args.config, required=False), team=args.team, dry_run=args.dry_run,
                          force=args.force)


def cmd_report(args) -> int:
    from etl.report import incident_command, report_command

    if args.incident:
        return incident_command(args.incident, args.out)
    return report_command(args.quarter, args.out, args.severity, args.service, args.team)


# -- shared steps ---------------------------------------------------------------------------------

def _config(args, required: bool = False) -> Config:
    cfg = load_config(args.config, required=required)
    if cfg.path is None:
        print("note: no followthrough.toml found; issues are loaded but none is classed as an "
              "incident or action item (copy followthrough.example.toml)", file=sys.stderr)
    return cfg


def _load_and_publish(cfg: Config, kind: str, source: str, as_of, load) -> int:
    started = time.monotonic()
    path = warehouse_path()
    with etl_lock(path), RawStore(path) as store:
        load_id = store.begin_load(kind, source, cfg.jira.url)
        try:
            # One transaction: a failed or killed import leaves nothing of itself behind.
            with store.transaction():
                summary = load(store, load_id)
                store.finish_load(load_id, "done", summary)
        except BaseException as exc:
            store.fail_load(load_id, exc)
            raise
        result = publish_site(cfg, store, as_of=as_of)
    for line in summary.get("problems", [])[:20]:
        print(f"  skipped {line}", file=sys.stderr)
    print(summary["message"])
    _print_published(result, started)
    return 0


def publish_site(cfg: Config, store: RawStore, as_of=None, full: bool = False) -> PublishResult:
    """Publishes the configured site's loads (the models leave the others out), saying so when
    the store holds others."""
    others = store.check_sites(cfg.jira.url)
    result = publish(cfg, store, as_of=as_of, full=full)
    if others:
        print(f"note: left out what was loaded from {', '.join(others)}, not the configured [jira].url; "
              f"{KEEP_SITES_APART}", file=sys.stderr)
    return result


def _summarise_json(counts) -> dict:
    unchanged = counts.seen - counts.new_versions
    message = (f"Read {counts.seen:,} issues from {counts.files} file(s): {counts.new_versions:,} new versions, "
               f"{unchanged:,} already stored, {counts.rejected:,} unreadable records skipped.")
    return {"message": message, "seen": counts.seen, "new_versions": counts.new_versions,
            "rejected": counts.rejected, "problems": counts.problems}


def _print_published(result: PublishResult, started: float) -> None:
    print(f"Published {result.path}: {result.issues:,} issues, {result.incidents:,} incidents, "
          f"{result.action_items:,} action items, {result.quarantined:,} quarantined "
          f"(as of {result.as_of:%Y-%m-%d %H:%M} UTC, {time.monotonic() - started:.1f} s).")
    if result.quarantined:
        print("Run `python -m etl status` to see what was quarantined and why.")


if __name__ == "__main__":
    sys.exit(main())
