"""Loads Jira issue JSON from files: search-response pages, JSON arrays, or one issue per line.

A file is read whole when it is one JSON document, line by line otherwise, so one bad line in an
export costs that line, not the file. A search page or an array is split into its issues, each
kept as the text the file holds, so one bad issue in it costs that issue too. What cannot be read
(not JSON, not an object, over the size cap, not text) is recorded in the raw store's rejects with
the file and line; what is a JSON object but not a usable issue is stored and quarantined by the
models, which know what an issue needs.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from etl.errors import UserError
from etl.rawstore import RawStore, utcnow

BATCH = 5_000
# Jira caps a summary at 255 characters and a description at 32,767; an issue of this size is
# not an issue but a mistake, and storing it would bloat every build.
MAX_ISSUE_BYTES = 5 * 1024 * 1024


class _DuplicateName(ValueError):
    pass


def _no_duplicate_names(pairs):
    # Parsers disagree on {"key": "A", "key": "B"} (first or last wins), so it is refused.
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):
        raise _DuplicateName(next(n for n in names if names.count(n) > 1))
    return dict(pairs)


def _parse(text: str):
    """json.loads, or (None, reason) for text that is not one unambiguous JSON value."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_names), None
    except _DuplicateName as exc:
        return None, f"duplicate field name {str(exc)[:40]!r}"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg})"
    except RecursionError:
        return None, "JSON nested too deeply"


@dataclass
class ImportCounts:
    files: int = 0
    new_versions: int = 0
    seen: int = 0
    rejected: int = 0
    problems: list[str] = field(default_factory=list)


def import_json_files(store: RawStore, load_id: int, paths: list[Path]) -> ImportCounts:
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise UserError(f"no such file: {', '.join(missing)}")
    counts = ImportCounts()
    fetched_at = utcnow()
    for path in paths:
        counts.files += 1
        _import_file(store, load_id, path, fetched_at, counts)
    return counts


def _import_file(store: RawStore, load_id: int, path: Path, fetched_at, counts: ImportCounts) -> None:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        # One bad byte should cost its line, not the whole export.
        _import_records(store, load_id, path, _lines(raw), fetched_at, counts)
        return
    records = _items(text)
    if records is None:
        value, _ = _parse(text)
        records = [(1, text)] if isinstance(value, dict) else _lines(raw)
    _import_records(store, load_id, path, records, fetched_at, counts)


def _lines(raw: bytes) -> list[tuple[int, bytes]]:
    return list(enumerate(raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"), start=1))


_WHITESPACE = re.compile(r"[ \t\n\r]*")
_SPLITTER = json.JSONDecoder()


def _items(text: str) -> list[tuple[int, str]] | None:
    """The issues of a search page ({"issues": [...]}) or a JSON array as (line, text exactly as in
    the file), so each is checked and stored on its own; None for any other text."""
    at = _WHITESPACE.match(text).end()
    try:
        if text.startswith("[", at):
            items, end = _array(text, at)
        elif text.startswith("{", at):
            items, end = _page(text, at)
        else:
            return None
    except (ValueError, RecursionError):
        return None
    if items is None or _WHITESPACE.match(text, end).end() != len(text):
        return None
    line, counted = 1, 0
    numbered = []
    for start, item in items:
        line += text.count("\n", counted, start)
        counted = start
        numbered.append((line, item))
    return numbered


def _array(text: str, at: int) -> tuple[list[tuple[int, str]], int]:
    items = []
    at = _WHITESPACE.match(text, at + 1).end()
    if text.startswith("]", at):
        return items, at + 1
    while True:
        _, end = _SPLITTER.raw_decode(text, at)
        items.append((at, text[at:end]))
        at = _WHITESPACE.match(text, end).end()
        if text.startswith("]", at):
            return items, at + 1
        if not text.startswith(",", at):
            raise ValueError("not an array")
        at = _WHITESPACE.match(text, at + 1).end()


def _page(text: str, at: int) -> tuple[list[tuple[int, str]] | None, int]:
    """The items of the object's `issues` array; None when it has none, or two."""
    items = None
    at = _WHITESPACE.match(text, at + 1).end()
    while not text.startswith("}", at):
        name, at = _SPLITTER.raw_decode(text, at)
        at = _WHITESPACE.match(text, at).end()
        if not isinstance(name, str) or not text.startswith(":", at):
            raise ValueError("not an object")
        at = _WHITESPACE.match(text, at + 1).end()
        if name == "issues" and text.startswith("[", at):
            if items is not None:
                return None, at
            items, at = _array(text, at)
        else:
            _, at = _SPLITTER.raw_decode(text, at)
        at = _WHITESPACE.match(text, at).end()
        if text.startswith(",", at):
            at = _WHITESPACE.match(text, at + 1).end()
        elif not text.startswith("}", at):
            raise ValueError("not an object")
    return items, at + 1


def _import_records(store: RawStore, load_id: int, path: Path, records, fetched_at, counts: ImportCounts) -> None:
    """Records are (line, text or bytes); each one that is not a usable JSON object is rejected alone."""
    batch: list[str] = []
    for number, record in records:
        origin = f"{path.name}:{number}"
        if isinstance(record, bytes):
            try:
                record = record.decode("utf-8").rstrip("\r")
            except UnicodeDecodeError as exc:
                _reject(store, load_id, counts, origin, f"not UTF-8 text (byte {exc.start})",
                        record.decode("utf-8", "replace"))
                continue
        if not record.strip():
            continue
        size = len(record.encode("utf-8"))
        if size > MAX_ISSUE_BYTES:
            _reject(store, load_id, counts, origin, f"issue is {size // 1024 // 1024} MB, over the "
                    f"{MAX_ISSUE_BYTES // 1024 // 1024} MB limit", record)
            continue
        value, problem = _parse(record)
        if problem:
            _reject(store, load_id, counts, origin, problem, record)
            continue
        if not isinstance(value, dict):
            _reject(store, load_id, counts, origin, "not a JSON object", record)
            continue
        if _LONE_SURROGATE_HINT.search(record) and not _is_text(value):
            _reject(store, load_id, counts, origin, "holds a lone surrogate (\\ud800-\\udfff escape), half of a "
                    "character, which is not text", record)
            continue
        batch.append(record)
        if len(batch) >= BATCH:
            _store(store, load_id, batch, fetched_at, counts)
            batch = []
    _store(store, load_id, batch, fetched_at, counts)


# Only a record with an escape in the surrogate range can hold a lone one.
_LONE_SURROGATE_HINT = re.compile(r"\\u[dD][89a-fA-F]")


def _is_text(value) -> bool:
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _store(store: RawStore, load_id: int, batch: list[str], fetched_at, counts: ImportCounts) -> None:
    counts.seen += len(batch)
    counts.new_versions += store.add_issue_texts(load_id, batch, fetched_at)


def _reject(store: RawStore, load_id: int, counts: ImportCounts, origin: str, reason: str, excerpt: str) -> None:
    counts.rejected += 1
    counts.problems.append(f"{origin}: {reason}")
    store.add_reject(load_id, origin, reason, excerpt)
