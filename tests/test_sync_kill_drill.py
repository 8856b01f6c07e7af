"""The kill drill (bench/kill_drill.py) passes on the concurrent path: runs killed at random moments
while fetching slices at once, then one finishing run, store what one request at a time does."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_kill_drill_finds_the_store_identical_after_kills_at_random_moments():
    drill = subprocess.run([sys.executable, "bench/kill_drill.py", "--kills", "4", "--incidents", "300",
                            "--concurrency", "4"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert drill.returncode == 0, drill.stdout + drill.stderr
    out = drill.stdout
    assert "identical to one request at a time" in out
    assert 1 < int(re.search(r"at most (\d+) requests in flight", out)[1]) <= 4
    assert len(re.findall(r"^kill +\d+, ", out, re.MULTILINE)) == 4
    assert out.strip().endswith("identical to the uninterrupted sync")
