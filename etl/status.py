"""`python -m etl status`: what is published, as of when, from where, what was quarantined, and
what the raw store holds that no build uses."""
from __future__ import annotations

import re
from pathlib import Path

import duckdb

from etl.errors import UserError
from etl.rawstore import KEEP_SITES_APART, RawStore
from followthrough import build_version

QUARANTINE_SHOWN = 20


def print_status(published: Path, warehouse: Path) -> int:
    site = None
    if published.exists():
        site = _print_published(published)
    else:
        _say(f"Nothing is published at {published} yet: run `python -m etl demo`, "
              "`import-json`, `import-csv` or `sync`.")
    if warehouse.exists():
        _print_raw_store(warehouse, site)
    return 0


def _print_published(published: Path) -> str:
    """Prints what is published; returns the Jira site it was built for ('' for any)."""
    try:
        con = duckdb.connect(str(published), read_only=True)
    except duckdb.Error as exc:
        raise UserError(f"cannot open the published file {published}: {str(exc).splitlines()[0]}") from None
    try:
        site = _site(con, published)
        info = con.execute("""
            SELECT as_of, built_at, sources, is_demo, issues, incidents, action_items, quarantined
            FROM marts.build_info""").fetchall()[0]
        as_of, built_at, sources, is_demo, issues, incidents, items, quarantined = info
        _say(f"Published: {published}")
        _say(f"  built {built_at:%Y-%m-%d %H:%M} UTC, figures as of {as_of:%Y-%m-%d %H:%M} UTC"
              + (" (demo data)" if is_demo else ""))
        _say(f"  from: {'; '.join(sources or []) or 'no loads'}")
        if not build_version.is_current(_build_version(con)):
            _say(f"  {build_version.OUTDATED}")
        _say(f"  {issues:,} issues: {incidents:,} incidents, {items:,} action items")
        gaps = con.execute("SELECT problem, value, issues FROM marts.mapping_gaps ORDER BY problem, value").fetchall()
        for problem, value, count in gaps:
            _say(f"  mapping: {problem}" + (f" {value!r}" if value else "") + f" ({count:,} issues)")
        _say(f"  {quarantined:,} quarantined")
        rows = con.execute("""
            SELECT origin, reason FROM marts.quarantine ORDER BY loaded_at DESC, origin LIMIT ?""",
                           [QUARANTINE_SHOWN]).fetchall()
        for origin, reason in rows:
            _say(f"    {origin}: {reason}")
        if quarantined > len(rows):
            _say(f"    … and {quarantined - len(rows):,} more (Data health page)")
    finally:
        con.close()
    return site


def _build_version(con: duckdb.DuckDBPyConnection) -> str | None:
    """None for a file published before the version was recorded."""
    try:
        return con.execute("SELECT build_version FROM marts.build_info").fetchall()[0][0]
    except duckdb.BinderException:
        return None


def _site(con: duckdb.DuckDBPyConnection, published: Path) -> str:
    try:
        return con.execute("SELECT site_url FROM config.settings").fetchall()[0][0] or ""
    except (duckdb.Error, IndexError):
        raise UserError(f"{published} is not a Followthrough published file (it has no build settings): "
                        "check FOLLOWTHROUGH_DB, or run `python -m etl publish`") from None


def _print_raw_store(warehouse: Path, site: str | None) -> None:
    from etl.jira.sync import RUN

    _say(f"Raw store: {warehouse}")
    with RawStore(warehouse, read_only=True) as store:
        # Only a published build says which site it was for.
        for other, loads in store.other_sites(site) if site else []:
            _say(f"  left out: {_n(loads, 'load')} from {other}, another Jira site than the published "
                  f"{site}; {KEEP_SITES_APART}")
        pending = (store.get_state(RUN) or {}).get("run_id")
        for load_id, run_id, kind, source, status, error, versions, rows, histories in store.excluded_loads():
            held = [_n(versions, "issue version"), _n(rows, "CSV row"), _n(histories, "history", "histories")]
            held = [h for h in held if not h.startswith("0 ")]
            if not held:
                continue
            why = "interrupted" if status == "running" or error == "interrupted" else f"{status}: {error or 'no reason recorded'}"
            if run_id == pending:
                then = "they count once a sync that resumes it and completes"
            elif kind.startswith("sync-"):
                then = "a later sync started over, so they never count"
            else:
                then = "load the file again"
            _say(f"  left out: load {load_id}, {kind} {source} ({why}): {', '.join(held)}; {then}")


# ANSI sequences whole (CSI, OSC up to its terminator, two-byte escapes), then any C0 or C1 control
# left: file names and payload text reach these lines, and must not drive the terminal.
_CONTROLS = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]|[\x00-\x1f\x7f-\x9f]")


def _say(line: str) -> None:
    """One line of the report: controls out (a line break or tab in a value becomes a space)."""
    print(_CONTROLS.sub(lambda m: " " if m.group() in "\n\t" else "", line))


def _n(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count:,} {noun if count == 1 else plural or noun + 's'}"
