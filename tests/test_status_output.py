"""`status` prints text that came from payloads and file names; terminal control sequences in it
(ANSI escapes, C0 and C1 controls) are stripped, so a payload cannot clear or recolour the
terminal, move the cursor or hide a line."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys

from app_support import ROOT

CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def test_status_strips_control_sequences_from_payload_text(workspace, etl, tmp_path):
    hostile = "\x1b[2J\x1b[31mOPS-1\x07\x9b31m\rhidden\x00"
    issue = {"id": "1", "key": hostile, "fields": {
        "summary": "x", "issuetype": {"name": "Incident"}, "status": {"name": "Open"},
        "created": "2026-03-01T10:00:00.000+0000"}}
    path = tmp_path / "bad\x1b[8mname.json"
    path.write_text(json.dumps(issue))
    code, out, err = etl("import-json", path)
    assert code == 0, err
    code, out, err = etl("status")
    assert code == 0, err
    assert "key is not an issue key" in out
    assert not CONTROL.search(out), repr(out)
    assert "[2J" not in out and "OPS-1" in out and "hidden" in out


def test_status_into_a_closed_pipe_stops_quietly(demo_db, tmp_path):
    # As `status | head -1` once head has gone: every write meets a pipe no one reads.
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run([sys.executable, "-m", "etl", "status"], stdout=write, stderr=subprocess.PIPE,
                              text=True, cwd=ROOT, timeout=120,
                              env={**os.environ, "FOLLOWTHROUGH_DB": str(demo_db),
                                   "FOLLOWTHROUGH_WAREHOUSE": str(tmp_path / "none.duckdb")})
    finally:
        os.close(write)
    assert (done.returncode, done.stderr) == (141, "")
