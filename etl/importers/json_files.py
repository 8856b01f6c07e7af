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
    except UnicodeDecodeError as exc:
        _reject(store, load_id, counts, f"{path.name}", f"not UTF-8 text (byte {exc.start})", "")
        return
    try:
        document = json.loads(text)
    except json.JSONDecodeError:
        document = None
    if isinstance(document, dict) and isinstance(document.get("issues"), list):
        counts.seen += len(document["issues"])
        counts.new_versions += store.add_json_document(load_id, text, fetched_at, "$.issues[*]")
    elif isinstance(document, list):
        counts.seen += len(document)
        counts.new_versions += store.add_json_document(load_id, text, fetched_at, "$[*]")
    elif isinstance(document, dict):
        counts.seen += 1
        counts.new_versions += store.add_issue_texts(load_id, [text], fetched_at)
    else:
        _import_lines(store, load_id, path, text, fetched_at, counts)


def _import_lines(store: RawStore, load_id: int, path: Path, text: str, fetched_at, counts: ImportCounts) -> None:
    batch: list[str] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            _reject(store, load_id, counts, f"{path.name}:{number}", f"not valid JSON ({exc.msg})", line)
            continue
        if not isinstance(value, dict):
            _reject(store, load_id, counts, f"{path.name}:{number}", "not a JSON object", line)
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
