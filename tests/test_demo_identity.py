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
    pytest.param({}, 2026, "d48ad3210cb83ed034d7637cfcc6f02fcb443a1b63d344b2098aa0729f10ebaa",
                 id="the default demo"),
    pytest.param({"incidents": 120}, 618, "a263dc23a0b67845cf90358d1f326712c781c618ab78a2abdbcdeea1de733a26",
                 id="etl demo --incidents 120"),
    pytest.param({"incidents": 2000, "seed": 11}, 9980,
                 "a8de90250a7bbd62e1a2edf649adaf9a91e2f64d983e2da415d2dd230f00dff7", id="2000 incidents, seed 11"),
    pytest.param({"incidents": 1, "seed": 5}, 5, "16dc06725792072d3dbf905dc56a29efd362c3eae388a68c5e649f5cefd4827a",
                 id="one incident"),
    pytest.param({"incidents": 300, "seed": 2, "as_of": datetime(2025, 6, 15, 12, 0, tzinfo=INDIA)}, 1534,
                 "e2be98e9010a2030c2218c5b48f9fdeb3d6b597a4cfdc99107da19a545e2a64e", id="another as-of, in +0530"),
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
