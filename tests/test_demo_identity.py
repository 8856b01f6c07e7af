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
    pytest.param({}, 2026, "ee0673125f34dc5c8cb6f13ea3f37413e5585382307333d51fa6338dc2ecc3ef",
                 id="the default demo"),
    pytest.param({"incidents": 120}, 618, "f08dd2e7cb425f21a7f5d2923b5efcdfa9563879e7b847b55022c51295bd48e3",
                 id="etl demo --incidents 120"),
    pytest.param({"incidents": 2000, "seed": 11}, 9980,
                 "2f1a65c73e0ed1b6a27eb624266bdb6e5b268042158c74f5dfdffbdff0f8d6dd", id="2000 incidents, seed 11"),
    pytest.param({"incidents": 1, "seed": 5}, 5, "640df71688450a2641c651f3fded61858c63f0f7cd4897084d4363f267408300",
                 id="one incident"),
    pytest.param({"incidents": 300, "seed": 2, "as_of": datetime(2025, 6, 15, 12, 0, tzinfo=INDIA)}, 1534,
                 "ffb411d8008d61bccdb026f441e4138e280dd2e6f4bc8b341d3cf63f252ad16f", id="another as-of, in +0530"),
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
