"""Loads Jira issue JSON from files: search-response pages, JSON arrays, or one issue per line.

A file is read whole when it is one JSON document, line by line otherwise, so one bad line in an
export costs that line, not the file. What cannot be read is recorded in the raw store's rejects
with the file and line; what is JSON but not a usable issue is stored and quarantined by the
models, which know what an issue needs.
"""
from __future__ import annotations

import json
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
        _import_lines(store, load_id, path, raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"), fetched_at, counts)
        return
    document, _ = _parse(text)
    if isinstance(document, dict) and isinstance(document.get("issues"), list):
        counts.seen += len(document["issues"])
        counts.new_versions += store.add_json_document(load_id, text, fetched_at, "$.issues[*]")
    elif isinstance(document, list):
        counts.seen += len(document)
        counts.new_versions += store.add_json_document(load_id, text, fetched_at, "$[*]")
    elif isinstance(document, dict) and len(raw) <= MAX_ISSUE_BYTES:
        counts.seen += 1
        counts.new_versions += store.add_issue_texts(load_id, [text], fetched_at)
    else:
        _import_lines(store, load_id, path, raw.removeprefix(b"\xef\xbb\xbf").split(b"\n"), fetched_at, counts)


def _import_lines(store: RawStore, load_id: int, path: Path, lines: list[bytes], fetched_at,
                  counts: ImportCounts) -> None:
    batch: list[str] = []
    for number, raw_line in enumerate(lines, start=1):
        origin = f"{path.name}:{number}"
        try:
            line = raw_line.decode("utf-8").rstrip("\r")
        except UnicodeDecodeError as exc:
            _reject(store, load_id, counts, origin, f"not UTF-8 text (byte {exc.start})",
                    raw_line.decode("utf-8", "replace"))
            continue
        if not line.strip():
            continue
        if len(raw_line) > MAX_ISSUE_BYTES:
            _reject(store, load_id, counts, origin, f"issue is {len(raw_line) // 1024 // 1024} MB, over the "
                    f"{MAX_ISSUE_BYTES // 1024 // 1024} MB limit", line)
            continue
        value, problem = _parse(line)
        if problem:
            _reject(store, load_id, counts, origin, problem, line)
            continue
        if not isinstance(value, dict):
            _reject(store, load_id, counts, origin, "not a JSON object", line)
            continue
        batch.append(line)
        if len(batch) >= BATCH:
            counts.seen += len(batch)
            counts.new_versions += store.add_issue_texts(load_id, batch, fetched_at)
            batch = []
    counts.seen += len(batch)
    counts.new_versions += store.add_issue_texts(load_id, batch, fetched_at)


def _reject(store: RawStore, load_id: int, counts: ImportCounts, origin: str, reason: str, excerpt: str) -> None:
    counts.rejected += 1
    counts.problems.append(f"{origin}: {reason}")
    store.add_reject(load_id, origin, reason, excerpt)
