"""Which version of the build made a published file, so that a dashboard upgraded before the next
publish says so instead of showing the old version's figures, or failing, without a word.

The pages read the marts by name: after an upgrade that changes the models, a query may name a
column or macro the file lacks, and the figures are those the old models made. The publish writes
`fingerprint()` into `marts.build_info.build_version`; the dashboard compares it with its own.
Only the code that makes the marts counts: the dashboard's queries are checked apart, each stored
result against its query's SQL (followthrough/stored.py `key`).
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from datapaths import PROJECT_ROOT

BUILD_CODE = ("etl/models", "etl/runner.py", "etl/similarity.py")
OUTDATED = ("This file was published by another version of Followthrough: its figures are that version's "
            "until `python -m etl publish` runs with this one.")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A digest of every file that builds the marts, by path and content."""
    files = []
    for name in BUILD_CODE:
        path = PROJECT_ROOT / name
        files += sorted(path.rglob("*.sql")) if path.is_dir() else [path]
    digest = hashlib.md5()
    for file in files:
        digest.update(file.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def is_current(published: str | None) -> bool:
    """`published` is the file's build_version, None for a file from before it was recorded."""
    return published == fingerprint()
