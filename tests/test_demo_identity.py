"""The demo generator's output, pinned byte for byte.

The digests were taken from the generator as it stood before it was split into a package; a
refactoring must leave them alone. A change that means to alter the demo data changes them on
purpose, and says so in its commit. Each issue is hashed as `etl demo` stores it: compact JSON,
serialised the moment it is yielded, in the order it is yielded.
"""
import hashlib
import json
from datetime import datetime, timedelta, timezone

import pytest

from etl.demo.generate import generate

INDIA = timezone(timedelta(hours=5, minutes=30))

# (arguments, issues yielded, sha256 of their JSON texts, one a line)
PINNED = [
    pytest.param({}, 1998, "63a7eb19b2072fdbf5b0d79d6086b4c8638447b12b26d374e348b5f7d36e5035",
                 id="the default demo"),
    pytest.param({"incidents": 120}, 579, "ccc4d49f902dcc285961199dbeb3dd7f51296daf424f88313601b697344d68f2",
                 id="etl demo --incidents 120"),
    pytest.param({"incidents": 2000, "seed": 11}, 9810,
                 "04d71ce1227ea79ebfa6f39c878506ad33c217d2e6a456bc0146a8c3e240ef1d", id="2000 incidents, seed 11"),
    pytest.param({"incidents": 1, "seed": 5}, 5, "93e562ebffcbb326c861c516973ce72ed9116a470bb3d9d050b8a4cb1253cd40",
                 id="one incident"),
    pytest.param({"incidents": 300, "seed": 2, "as_of": datetime(2025, 6, 15, 12, 0, tzinfo=INDIA)}, 1496,
                 "99be0aa3dd1c1ba6ea3799c03e07f5aaaa25f3a1fab622035035d80c187a0839", id="another as-of, in +0530"),
]


def stored_texts_digest(issues) -> tuple[int, str]:
    digest = hashlib.sha256()
    count = 0
    for issue in issues:
        digest.update(json.dumps(issue, separators=(",", ":")).encode())
        digest.update(b"\n")
        count += 1
    return count, digest.hexdigest()


@pytest.mark.parametrize("arguments, issues, sha256", PINNED)
def test_seeded_output_is_unchanged(arguments, issues, sha256):
    assert stored_texts_digest(generate(**arguments)) == (issues, sha256)


def test_no_incidents_no_issues():
    assert list(generate(incidents=0)) == []
