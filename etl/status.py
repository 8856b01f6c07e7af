"""`python -m etl status`: what is published, as of when, from where, and what was quarantined."""
from __future__ import annotations

from pathlib import Path

import duckdb

QUARANTINE_SHOWN = 20


def print_status(published: Path, warehouse: Path) -> int:
    if not published.exists():
        print(f"Nothing is published at {published} yet: run `python -m etl demo`, "
              "`import-json`, `import-csv` or `sync`.")
        return 0
    con = duckdb.connect(str(published), read_only=True)
    try:
        info = con.execute("""
            SELECT as_of, built_at, sources, is_demo, issues, incidents, action_items, quarantined
            FROM marts.build_info""").fetchall()[0]
        as_of, built_at, sources, is_demo, issues, incidents, items, quarantined = info
        print(f"Published: {published}")
        print(f"  built {built_at:%Y-%m-%d %H:%M} UTC, figures as of {as_of:%Y-%m-%d %H:%M} UTC"
              + (" (demo data)" if is_demo else ""))
        print(f"  from: {'; '.join(sources or []) or 'no loads'}")
        print(f"  {issues:,} issues: {incidents:,} incidents, {items:,} action items")
        gaps = con.execute("SELECT problem, value, issues FROM marts.mapping_gaps ORDER BY problem, value").fetchall()
        for problem, value, count in gaps:
            print(f"  mapping: {problem}" + (f" {value!r}" if value else "") + f" ({count:,} issues)")
        print(f"  {quarantined:,} quarantined")
        rows = con.execute("""
            SELECT origin, reason FROM marts.quarantine ORDER BY loaded_at DESC, origin LIMIT ?""",
                           [QUARANTINE_SHOWN]).fetchall()
        for origin, reason in rows:
            print(f"    {origin}: {reason}")
        if quarantined > len(rows):
            print(f"    … and {quarantined - len(rows):,} more (Data health page)")
    finally:
        con.close()
    if warehouse.exists():
        print(f"Raw store: {warehouse}")
    return 0
