"""Loads a Jira CSV export ("Export → CSV (all fields)"), for sites where no API token is at hand.

Parsing lives in SQL. This module only reads the file with Python's csv module (quoted cells may
span lines) and stores every data row untouched in the raw store's `raw_csv_rows`, as a JSON
array of [header, value] pairs in column order; headers repeat where Jira repeats them for
multi-value fields (Labels, Component/s, Sprint, link columns). `staging/csv_payloads.sql` turns
the rows into the issue JSON that Jira's API gives, so every model downstream reads them alike.

A row whose number of cells differs from the header's is refused here, with its file and line,
into the raw store's rejects. A quote left open on a line (a stray one) would make one cell of the
rest of the file: that line alone is refused, and reading starts again on the line after it. A row identical to one already stored is not stored again, so
importing the same export twice changes nothing. What the mapping leaves out (columns it does not
use, dates in no known format) is read back through the same model and told to the user.
"""
from __future__ import annotations

import csv
import io
from collections import deque
import json
from pathlib import Path

from etl.errors import UserError
from etl.rawstore import RawStore, utcnow
from etl.runner import MODELS_DIR

BATCH = 5_000
REQUIRED_COLUMNS = ("Issue key", "Summary")
# Jira writes commas; a file re-saved by a spreadsheet in some locales has semicolons or tabs.
DELIMITERS = (",", ";", "\t")
# Jira's text fields hold up to 32,767 characters, comments and descriptions more once quoted;
# the csv module's default cap (131,072) would fail on a long cell.
FIELD_SIZE_LIMIT = 64 * 1024 * 1024
PROBLEMS_LISTED = 50
# A date the model cannot read in these columns gets the issue quarantined (stg_issue_candidates);
# in the others (Updated, Due date) the issue is kept without that date.
QUARANTINING_DATES = ("created", "resolved")
COLUMNS_NAMED = 8
MODEL = MODELS_DIR / "staging" / "csv_payloads.sql"
HOW_TO_EXPORT = "in Jira use Export → CSV (all fields), with your profile language set to English"


def import_csv_file(store: RawStore, load_id: int, path: Path) -> dict:
    path = Path(path)
    text = _read_text(path)
    delimiter = _detect_delimiter(text, path)
    limit = csv.field_size_limit(FIELD_SIZE_LIMIT)
    try:
        counts = _store_rows(store, load_id, path, text, delimiter)
    finally:
        csv.field_size_limit(limit)
    return _summary(store, path, counts)


# -- reading --------------------------------------------------------------------------------------

def _read_text(path: Path) -> str:
    if not path.exists():
        raise UserError(f"no such file: {path}")
    if not path.is_file():
        raise UserError(f"{path} is not a file")
    raw = path.read_bytes()
    # Jira Cloud writes a byte-order mark in front of some exports; utf-8-sig drops it.
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text (byte {exc.start:,}): export it from Jira again, "
                        "or save it from a spreadsheet as “CSV UTF-8”") from None
    if not text.strip():
        raise UserError(f"{path} is empty: {HOW_TO_EXPORT}")
    if "\x00" in text:
        raise UserError(f"{path} is not a CSV file (it holds binary data): {HOW_TO_EXPORT}")
    return text


def _first_record(text: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error:
        return []


def _detect_delimiter(text: str, path: Path) -> str:
    for delimiter in DELIMITERS:
        names = {h.strip().lower() for h in _first_record(text, delimiter)}
        if all(c.lower() in names for c in REQUIRED_COLUMNS):
            return delimiter
    raise UserError(f"{path} is not a Jira issue export: it has no “Issue key” and “Summary” columns "
                    f"({HOW_TO_EXPORT})")


class _Counts:
    def __init__(self) -> None:
        self.rows = 0            # data rows in the file, blank ones not counted
        self.good = 0            # rows with as many cells as the header
        self.new = 0             # rows stored by this import
        self.refused: list[str] = []
        self.header: list[str] = []


def _store_rows(store: RawStore, load_id: int, path: Path, text: str, delimiter: str) -> _Counts:
    counts = _Counts()
    rejects: list[tuple[str, str, str]] = []
    store.start_csv_staging()
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    header = counts.header = next(reader)
    width = len(header)
    batch: list[tuple[int, str]] = []
    try:
        while True:
            line = lines.start_record()
            cells = next(reader, None)
            if cells is None:
                break
            if not any(c.strip() for c in cells):
                continue
            counts.rows += 1
            if len(cells) != width:
                origin = f"{path.name}:{line}"
                if len(lines.taken) > 1:
                    # A quote opened on this line and not closed on it (a stray one) makes one cell of
                    # the lines after it, to the end of the file or the next quote. Only this line is
                    # refused; the reader starts again on the next one.
                    first = lines.taken[0].rstrip("\r\n")
                    rejects.append((origin, "a quote on this line is never closed on it (a stray quote, or "
                                    "a row cut short): the row is skipped", first))
                    lines.read_again(lines.taken[1:])
                    reader = csv.reader(lines, delimiter=delimiter)
                    continue
                reason = f"row has {_n(len(cells), 'cell')} where the header has {width} (cut short or badly quoted)"
                rejects.append((origin, reason, _excerpt(cells, delimiter)))
                continue
            counts.good += 1
            pairs = [[h, v] for h, v in zip(header, cells)]
            batch.append((line, json.dumps(pairs, ensure_ascii=False, separators=(",", ":"))))
            if len(batch) >= BATCH:
                store.stage_csv_rows(batch, counts.good - len(batch))
                batch = []
    except csv.Error as exc:
        raise UserError(f"{path}:{lines.number}: cannot read the CSV ({exc}); nothing was stored") from None
    store.stage_csv_rows(batch, counts.good - len(batch))

    counts.new = store.store_csv_rows(load_id, utcnow())
    for origin, reason, excerpt in rejects:
        store.add_reject_once(load_id, origin, reason, excerpt)
    counts.refused = [f"{origin}: {reason}" for origin, reason, _ in rejects]
    return counts


class _Lines:
    """The file's lines, handed to csv.reader one at a time and kept per record, so a record that
    ran on over later lines can be read again from its second line."""

    def __init__(self, text: str):
        self._lines = iter(io.StringIO(text, newline=""))
        self._again: deque[str] = deque()
        self.taken: list[str] = []
        self.number = 0          # lines handed out so far

    def start_record(self) -> int:
        """The line the next record begins on."""
        self.taken = []
        return self.number + 1

    def read_again(self, lines: list[str]) -> None:
        self._again.extendleft(reversed(lines))
        self.number -= len(lines)

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = self._again.popleft() if self._again else next(self._lines)
        self.number += 1
        self.taken.append(line)
        return line


def _excerpt(cells: list[str], delimiter: str) -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerow(cells)
    return out.getvalue().rstrip("\n")


# -- telling the user -----------------------------------------------------------------------------

def _summary(store: RawStore, path: Path, counts: _Counts) -> dict:
    """Reads this file's rows back through staging/csv_payloads.sql, the same SQL the build runs,
    so what is reported as unmapped is exactly what the models leave out."""
    mapped = store.staged_csv_rows_mapped(MODEL.read_text())

    keys = {key for _, key, _, _ in mapped if key}
    without_key = sum(1 for _, key, _, _ in mapped if not key)
    order = {name: i for i, name in reversed(list(enumerate(counts.header)))}
    unmapped = sorted({c for _, _, _, columns in mapped for c in columns}, key=lambda c: order.get(c, len(order)))
    dated = [(line, key, bad) for line, key, bad, _ in mapped if bad]
    quarantined = [(line, key, bad) for line, key, bad in dated
                   if any(p["column"].lower() in QUARANTINING_DATES for p in bad)]

    # Printed whole (the message names only the first few) as the first line, so the cap on
    # printed problems never hides it.
    problems = [f"columns no mapping uses: {', '.join(unmapped)}"] if unmapped else []
    problems += counts.refused
    for line, key, bad in quarantined:
        dates = ", ".join(f"{p['column']} {p['value']!r}" for p in bad)
        problems.append(f"{path.name}:{line} ({key or 'no key'}): no known date format for {dates}; "
                        "the issue is quarantined")
    already = counts.good - counts.new

    message = (f"Read {_n(counts.rows, 'row')} from {path.name} ({_n(len(keys), 'issue')}): "
               f"{counts.new:,} stored, {already:,} already stored")
    if counts.refused:
        message += f", {len(counts.refused):,} skipped for a wrong number of cells"
    if without_key:
        message += f", {without_key:,} without an Issue key (quarantined)"
    message += "."
    if dated:
        kept = len(dated) - len(quarantined)
        message += (f" {_n(len(dated), 'row')} {'has' if len(dated) == 1 else 'have'} a date in no known format: "
                    f"{len(quarantined):,} quarantined (Created or Resolved)"
                    + (f", {kept:,} kept without that date" if kept else "") + ".")
    message += " Dates are taken as UTC: exports carry no time zone."
    if unmapped:
        named = ", ".join(unmapped[:COLUMNS_NAMED]) + (", …" if len(unmapped) > COLUMNS_NAMED else "")
        message += f" Not used: {_n(len(unmapped), 'column')} ({named})."
    return {
        "message": message,
        "file": str(path),
        "rows": counts.rows,
        "issues": len(keys),
        "new_rows": counts.new,
        "already_stored": already,
        "rejected": len(counts.refused),
        "rows_with_unreadable_dates": len(dated),
        "quarantined_for_dates": len(quarantined),
        "unmapped_columns": unmapped,
        "problems": problems[:PROBLEMS_LISTED],
    }


def _n(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
