"""Drill: the dashboard keeps answering while ten publishes replace the file under it.

A reader thread uses the dashboard's own data layer, as a Streamlit session would, while a
separate process publishes ten times in a row. Every query must succeed and see one complete
build: never an error, never a mix of two builds.
"""
import subprocess
import sys
import threading
from datetime import datetime

import duckdb

from conftest import DEVLAKE, ROOT

PUBLISHES = 10


def test_readers_never_fail_or_see_a_mix_while_publishing(workspace, etl):
    assert etl("import-json", DEVLAKE / "cloud_issues.ndjson", "--as-of", "2026-01-01")[0] == 0
    from followthrough.db import database_identity, query

    seen, failures, done = set(), [], threading.Event()

    def read():
        while not done.is_set():
            try:
                seen.add(query("filter_options").iloc[0]["as_of"].to_pydatetime())
                # Two tables of one build must agree: the file is whole or not there at all.
                con = duckdb.connect(database_identity()[0], read_only=True)
                try:
                    issues, counted, as_of, staged = con.execute("""
                        SELECT b.issues, (SELECT count(*) FROM marts.issues), b.as_of,
                               (SELECT as_of FROM staging.stg_as_of) FROM marts.build_info AS b""").fetchall()[0]
                finally:
                    con.close()
                assert issues == counted and as_of == staged, (issues, counted, as_of, staged)
            except Exception as exc:  # the drill counts every failure, whatever it is
                failures.append(repr(exc))

    reader = threading.Thread(target=read)
    reader.start()
    script = ("import sys\nfrom etl.cli import main\n"
              f"for day in range(2, {PUBLISHES + 2}):\n"
              "    assert main(['publish', '--as-of', f'2026-01-{day:02d}']) == 0\n")
    try:
        done_publishing = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                                         text=True, timeout=300)
    finally:
        done.set()
        reader.join()
    assert done_publishing.returncode == 0, done_publishing.stderr
    assert failures == []
    assert len(seen) >= 2, "the reader never saw a publish happen"
    assert seen <= {datetime(2026, 1, day) for day in range(1, PUBLISHES + 2)}
