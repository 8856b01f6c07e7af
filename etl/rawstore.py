"""The raw store: every Jira payload exactly as it arrived, in the working DuckDB file.

Only the ETL opens this file, and only one ETL process at a time (see `etl.lock`). The dashboard
never touches it: it reads the published file that `etl.publish` builds from here.

Payloads are stored as the JSON text that came in. Splitting a search page into issues and pulling
out the few columns needed for de-duplication is done by DuckDB, not Python, so the raw rows are
byte-for-byte the issue objects Jira sent.
"""
from __future__ import annotations

import json
import logging
import os
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import duckdb
import pyarrow as pa

from datapaths import warehouse_path
from etl.errors import UserError
from etl.redact import redact

log = logging.getLogger("etl.rawstore")

SCHEMA = """
CREATE SEQUENCE IF NOT EXISTS raw_seq;
CREATE TABLE IF NOT EXISTS raw_loads (
    load_id     BIGINT PRIMARY KEY,
    kind        VARCHAR NOT NULL,      -- demo, json, csv, sync-cloud, sync-datacenter
    source      VARCHAR NOT NULL,      -- file name or site URL; never a credential
    started_at  TIMESTAMP NOT NULL,    -- UTC
    finished_at TIMESTAMP,
    status      VARCHAR NOT NULL,      -- running, done, failed
    summary     JSON,
    run_id      BIGINT,                -- the load whose run this one continues (a resumed sync), else its own id
    site        VARCHAR                -- the Jira site of its payloads: synced from, or configured when imported
);
CREATE TABLE IF NOT EXISTS raw_issues (
    seq           BIGINT NOT NULL,     -- arrival order, to break ties between versions
    load_id       BIGINT NOT NULL,
    fetched_at    TIMESTAMP NOT NULL,  -- UTC, when Jira (or the file) gave us this version
    issue_id      VARCHAR,
    issue_key     VARCHAR,
    issue_updated VARCHAR,
    payload_md5   VARCHAR NOT NULL,
    payload       JSON NOT NULL
);
CREATE TABLE IF NOT EXISTS raw_changelogs (
    seq        BIGINT NOT NULL,
    load_id    BIGINT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    issue_id   VARCHAR NOT NULL,
    issue_key  VARCHAR,
    payload    JSON NOT NULL           -- one changelog history, as Jira sent it
);
CREATE TABLE IF NOT EXISTS raw_csv_rows (
    seq        BIGINT NOT NULL,
    load_id    BIGINT NOT NULL,
    fetched_at TIMESTAMP NOT NULL,
    row_number BIGINT NOT NULL,
    payload    JSON NOT NULL           -- [[header, value], ...] in column order; headers repeat
);
CREATE TABLE IF NOT EXISTS raw_rejects (
    load_id  BIGINT NOT NULL,
    origin   VARCHAR NOT NULL,         -- file:line, or page and position
    reason   VARCHAR NOT NULL,
    excerpt  VARCHAR
);
CREATE TABLE IF NOT EXISTS retired_issues (
    issue_id   VARCHAR NOT NULL,
    issue_key  VARCHAR,
    retired_at TIMESTAMP NOT NULL,
    load_id    BIGINT NOT NULL,
    reason     VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS sync_state (
    name       VARCHAR PRIMARY KEY,
    value      JSON,
    updated_at TIMESTAMP NOT NULL
);
"""

# A load's rows count once its run is done: a failed or killed load's rows stay out of every build,
# until a resumed sync (which continues the same run) completes. Everything that decides what a
# build or a new load sees goes through this view.
COMPLETE_LOADS = """
CREATE OR REPLACE VIEW complete_loads AS
SELECT * FROM raw_loads WHERE run_id IN (SELECT run_id FROM raw_loads WHERE status = 'done');
"""
# Loads whose rows a new row of load $load is compared with to skip what is already stored: those
# of its site that count, and those of its own run. A version stored only by a load that never
# completed, or by another site's, is stored again, or it could never count.
_COMPARED = """
    SELECT load_id FROM (SELECT load_id, site FROM complete_loads
                         UNION SELECT load_id, site FROM raw_loads
                               WHERE run_id = (SELECT run_id FROM raw_loads WHERE load_id = $load))
    WHERE site IS NOT DISTINCT FROM (SELECT site FROM raw_loads WHERE load_id = $load)
"""
KEEP_SITES_APART = "keep each site in its own data folder with FOLLOWTHROUGH_DB and FOLLOWTHROUGH_WAREHOUSE"

EXCERPT_CHARS = 300
# What DuckDB may cache while a sync stores: without a cap it keeps every block it writes. Measured
# with bench/sync_bench.py's child at no latency, peak RSS at 10,000 and 100,000 issues: 434 and
# 545 MB at 256MB, 417 and 426 MB at 128MB, which took no longer.
SYNC_MEMORY_CAP = "128MB"
# Small row groups because a sync appends in batches and checkpoints as it goes, and a checkpoint
# merges the small groups each commit appended into full ones, holding a whole group's payloads in
# memory, outside the cap above (COMMIT runs without it). With the default 122,880 rows that cost
# doubled with every group (10 s per checkpoint at 100,000 issues). With 16,384 the checkpoints
# were flat in time but held some 340 MB at once, so a sync's peak grew with its size until the
# first groups filled: 437 MB at 10,000 issues, 825 MB at 100,000. With 4,096: 441 and 536 MB.
# A full publish of 1,000,000 issues parses the payloads in groups four times as many: 84 s
# against 81 s, four runs each alternated.
ROW_GROUP_SIZE = 4096


def make_folder(path: Path) -> None:
    """The folder a data file goes in, or one line saying why there can be none."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in path.parents if p.is_file()), None)
        why = f"{blocker} is a file, not a folder" if blocker else exc.strerror
        raise UserError(f"cannot put {path.name} in {path.parent}: {why} "
                        "(check FOLLOWTHROUGH_DB and FOLLOWTHROUGH_WAREHOUSE)") from None


def _excerpt(text: str | None) -> str:
    # Redacted before it is cut, or a secret cut in two would keep its first half.
    return redact(text or "")[:EXCERPT_CHARS]


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class RawStore:
    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        """`read_only` for looking only (`status`): the file is neither created nor changed."""
        self.path = Path(path) if path else warehouse_path()
        if not read_only:
            make_folder(self.path)
        # Attached under a fixed name so the SQL models can say `raw.raw_issues` whatever the
        # file is called, while a build file is attached beside it.
        self.con = duckdb.connect(":memory:")
        self.con.execute("SET TimeZone = 'UTC'")
        self._limit_memory()
        try:
            self.con.execute("ATTACH ? AS raw " + ("(READ_ONLY)" if read_only else f"(ROW_GROUP_SIZE {ROW_GROUP_SIZE})"),
                             [str(self.path)])
        except duckdb.Error as exc:
            self.con.close()
            raise UserError(f"cannot open the raw store {self.path}: {str(exc).splitlines()[0]}") from None
        self.con.execute("USE raw")
        self._check_kind(read_only)
        if not read_only:
            self.con.execute(SCHEMA)
            self._upgrade()
            self.con.execute(COMPLETE_LOADS)

    def _check_kind(self, read_only: bool) -> None:
        """Refuses a DuckDB file that is not a raw store (the published file, another program's),
        rather than adding tables to it; and, only looking, one an earlier version wrote."""
        names = {name for (name,) in self.con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'raw' "
            "UNION ALL SELECT view_name FROM duckdb_views() WHERE database_name = 'raw'").fetchall()}
        problem = None
        if names and "raw_loads" not in names:
            problem = (f"{self.path} is not a Followthrough raw store (it holds other tables): "
                       "check FOLLOWTHROUGH_WAREHOUSE and FOLLOWTHROUGH_DB")
        elif read_only and "complete_loads" not in names:
            problem = (f"the raw store {self.path} was written by an earlier version: "
                       "run `python -m etl publish` to bring it up to date")
        if problem:
            self.con.close()
            raise UserError(problem)

    def _upgrade(self) -> None:
        """Stores written before loads recorded their run and site."""
        columns = {name for (name,) in self.con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE database_name = 'raw' AND table_name = 'raw_loads'"
        ).fetchall()}
        if "run_id" not in columns:
            self._upgrade_runs()
        if "site" not in columns:
            with self.transaction():
                # A sync's source is its site; what an import came from was not recorded.
                self.con.execute("ALTER TABLE raw_loads ADD COLUMN site VARCHAR")
                self.con.execute("UPDATE raw_loads SET site = source WHERE kind LIKE 'sync-%'")

    def _upgrade_runs(self) -> None:
        """Each load is its own run, except that failed syncs are taken to belong to the resumed
        sync of the same site that completed next."""
        with self.transaction():
            self.con.execute("ALTER TABLE raw_loads ADD COLUMN run_id BIGINT")
            self.con.execute("UPDATE raw_loads SET run_id = load_id")
            self.con.execute("""
                UPDATE raw_loads AS f SET run_id = (
                    SELECT min(d.load_id) FROM raw_loads AS d
                    WHERE d.status = 'done' AND d.kind = f.kind AND d.source = f.source AND d.load_id > f.load_id)
                WHERE f.kind LIKE 'sync-%' AND f.status <> 'done'
                  AND (SELECT arg_min(d.summary ->> 'resumed', d.load_id) FROM raw_loads AS d
                       WHERE d.status = 'done' AND d.kind = f.kind AND d.source = f.source
                         AND d.load_id > f.load_id) = 'true'
            """)

    def _limit_memory(self) -> None:
        """A build holds every issue's parsed payload; on a shared machine FOLLOWTHROUGH_MEMORY_LIMIT
        (e.g. 2GB) caps it and the rest spills beside the raw store, not into the working directory."""
        self.con.execute("SET temp_directory = ?", [str(self.path.parent / ".spill")])
        limit = os.environ.get("FOLLOWTHROUGH_MEMORY_LIMIT")
        self.memory_limit_set = bool(limit)
        if limit:
            try:
                self.con.execute("SET memory_limit = ?", [limit])
            except duckdb.Error:
                self.con.close()
                raise UserError(f"FOLLOWTHROUGH_MEMORY_LIMIT={limit!r} is not a size such as 2GB or 500MB") from None

    @contextmanager
    def capped_transaction(self):
        """A transaction whose statements run under the sync's memory cap.

        DuckDB keeps every block it writes cached until its memory limit forces blocks out, so a
        sync grew by the size of the store it wrote (240 MB at 100,000 issues). Lowering the limit
        trims the cache and bounds the statements. COMMIT, which may checkpoint, runs without the
        cap: a checkpoint that fails for memory can leave the database unusable for the rest of the
        run. The cap is lifted with RESET, back to DuckDB's default, so it applies only when the
        user set no FOLLOWTHROUGH_MEMORY_LIMIT; a user's limit is left as it is.
        """
        if self.memory_limit_set:
            with self.transaction():
                yield
            return
        self.con.execute("SET memory_limit = ?", [SYNC_MEMORY_CAP])
        try:
            with self.transaction():
                yield
                self.con.execute("RESET memory_limit")
        finally:
            # Again after a ROLLBACK, which the RESET above never reached: an aborted transaction
            # refuses even a SET. Resetting twice is harmless.
            self.con.execute("RESET memory_limit")

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "RawStore":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self):
        """Pages and the checkpoint that records them commit together, or not at all."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            try:
                self.con.execute("ROLLBACK")
            except duckdb.Error:
                pass  # a failed write may have ended the transaction already; the first error counts
            raise
        self.con.execute("COMMIT")

    # -- loads -------------------------------------------------------------------------------
    def begin_load(self, kind: str, source: str, site: str | None = None) -> int:
        """`site` is the Jira site the payloads are from; for a file, the one configured, if any."""
        # Under the ETL lock a load still `running` is one whose process was killed.
        self.close_interrupted_loads()
        load_id = self.con.execute("SELECT nextval('raw_seq')").fetchall()[0][0]
        self.con.execute("INSERT INTO raw_loads (load_id, kind, source, started_at, status, run_id, site) "
                         "VALUES (?, ?, ?, ?, 'running', ?, ?)",
                         [load_id, kind, source, utcnow(), load_id, site or None])
        return load_id

    def other_sites(self, site: str) -> list[tuple[str, int]]:
        """The sites other than `site` whose complete loads a build of `site` leaves out, with how
        many loads; every site when `site` is empty. Loads of no known site are of every site."""
        return self.con.execute("SELECT site, count(*) FROM complete_loads WHERE site IS NOT NULL "
                                "AND site IS DISTINCT FROM nullif(?, '') GROUP BY site ORDER BY site",
                                [site]).fetchall()

    def check_sites(self, site: str) -> list[str]:
        """The sites a build for the configured `site` leaves out; with none configured, refuses a
        store that holds more than one."""
        others = [s for s, _ in self.other_sites(site)]
        if not site and len(others) > 1:
            raise UserError(f"the raw store {self.path} holds issues from {len(others)} Jira sites "
                            f"({', '.join(others)}) and [jira].url names none: set it to the site to "
                            f"publish, and {KEEP_SITES_APART}")
        return others if site else []

    def fail_load(self, load_id: int, exc: BaseException) -> None:
        """Records why a load stopped, if the store still can: after a full disk or a fatal DuckDB
        error it may not, and the load stays `running` until the next load closes it. The error
        that stopped the load is what the user must see, not this one."""
        try:
            self.finish_load(load_id, "failed", {"error": str(exc) if isinstance(exc, UserError) else type(exc).__name__})
        except duckdb.Error as failed:
            log.warning("could not record load %d as failed: %s", load_id, str(failed).splitlines()[0])

    def continue_run(self, load_id: int, run_id: int) -> None:
        """The load resumes the run `run_id` began: when it completes, so do the run's earlier loads."""
        self.con.execute("UPDATE raw_loads SET run_id = ? WHERE load_id = ?", [run_id, load_id])

    def finish_load(self, load_id: int, status: str, summary: dict | None = None) -> None:
        self.con.execute("UPDATE raw_loads SET finished_at = ?, status = ?, summary = ? WHERE load_id = ?",
                         [utcnow(), status, redact(json.dumps(summary or {})), load_id])

    # -- issues ------------------------------------------------------------------------------
    def add_issue_texts(self, load_id: int, texts: list[str], fetched_at: datetime) -> int:
        """Store issue objects given as JSON text. Returns how many were new versions.

        A version already stored with identical content is skipped, so re-reading an overlap is
        harmless. Texts that are JSON but not issues are stored too: the models quarantine them.
        """
        if not texts:
            return 0
        batch = pa.table({"ord": pa.array(range(len(texts)), pa.int64()), "payload": pa.array(texts, pa.string())})
        self.con.register("incoming_batch", batch)
        try:
            self.con.execute("CREATE OR REPLACE TEMP TABLE incoming AS "
                             "SELECT ord, ?::TIMESTAMP AS fetched_at, payload::JSON AS payload FROM incoming_batch",
                             [fetched_at])
        finally:
            self.con.unregister("incoming_batch")
        return self._insert_incoming(load_id)

    def add_json_documents(self, load_id: int, documents: list[tuple[str, datetime]],
                           path: str = "$.issues[*]") -> int:
        """Several (body, fetched at) documents in one statement, in order: a sync stores a batch of
        pages at once, each with the time it arrived, which orders versions of an issue."""
        self.con.execute("""
            CREATE OR REPLACE TEMP TABLE incoming AS
            SELECT row_number() OVER (ORDER BY document, position) - 1 AS ord, fetched_at, payload
            FROM (SELECT document, fetched_at, generate_subscripts(items, 1) AS position, unnest(items) AS payload
                  FROM (SELECT generate_subscripts(bodies, 1) AS document, unnest(times) AS fetched_at,
                               json_extract(unnest(bodies)::JSON, ?) AS items
                        FROM (SELECT ?::VARCHAR[] AS bodies, ?::TIMESTAMP[] AS times)))
        """, [path, [body for body, _ in documents], [at for _, at in documents]])
        return self._insert_incoming(load_id)

    def add_search_pages(self, load_id: int, pages: list[tuple[str, datetime]]) -> int:
        """Store the issues of Jira search responses, given as (body, fetched at)."""
        return self.add_json_documents(load_id, pages, "$.issues[*]")

    def _insert_incoming(self, load_id: int) -> int:
        inserted = self.con.execute("""
            INSERT INTO raw_issues
            SELECT nextval('raw_seq'), $load, fetched_at, id, key, updated, md5, payload
            FROM (
                SELECT *
                FROM (
                    SELECT payload ->> 'id' AS id, payload ->> 'key' AS key,
                           payload -> 'fields' ->> 'updated' AS updated,
                           md5(json(payload)::VARCHAR) AS md5, payload, ord, fetched_at
                    FROM incoming
                    QUALIFY row_number() OVER (PARTITION BY md5 ORDER BY ord) = 1
                ) AS i
                WHERE NOT EXISTS (SELECT 1 FROM raw_issues AS r
                                  WHERE r.payload_md5 = i.md5 AND r.issue_id IS NOT DISTINCT FROM i.id
                                    AND r.load_id IN (SELECT unnest($compared::BIGINT[])))
                -- Sorted before nextval, so seq follows arrival where one thread numbers the rows.
                ORDER BY ord
            )
        """, {"load": load_id, "compared": self._compared(load_id)}).fetchall()[0][0]
        return inserted

    def _compared(self, load_id: int) -> list[int]:
        # Listed first: as a subquery in the statements that use it, it cost a sync some 10 %.
        return [row[0] for row in self.con.execute(_COMPARED, {"load": load_id}).fetchall()]

    def add_histories(self, load_id: int, entries: list[dict], fetched_at: datetime) -> None:
        """Store changelog histories fetched apart from their issues (the inline list is capped).

        `entries` are {"issue_id", "issue_key", "histories": [...]}, a batch of pages' worth at a
        time, in one statement: one per issue cost more than storing the pages themselves. The
        histories go in as one text each; DuckDB splitting one large JSON array took some 100
        times its size in memory.
        """
        rows = [(entry["issue_id"], entry["issue_key"], json.dumps(history))
                for entry in entries for history in entry["histories"]]
        if not rows:
            return
        issue_ids, issue_keys, histories = zip(*rows)
        batch = pa.table({"issue_id": pa.array(issue_ids, pa.string()), "issue_key": pa.array(issue_keys, pa.string()),
                          "history": pa.array(histories, pa.string())})
        self.con.register("incoming_histories", batch)
        try:
            self.con.execute("INSERT INTO raw_changelogs SELECT nextval('raw_seq'), ?, ?, issue_id, issue_key, "
                             "history::JSON FROM incoming_histories", [load_id, fetched_at])
        finally:
            self.con.unregister("incoming_histories")

    def add_reject(self, load_id: int, origin: str, reason: str, excerpt: str | None = None) -> None:
        self.con.execute("INSERT INTO raw_rejects VALUES (?, ?, ?, ?)",
                         [load_id, redact(origin), redact(reason), _excerpt(excerpt)])

    def retire(self, load_id: int, issues: list[tuple[str, str]], reason: str) -> None:
        if not issues:  # DuckDB's executemany refuses an empty list
            return
        self.con.executemany("INSERT INTO retired_issues VALUES (?, ?, ?, ?, ?)",
                             [(i, k, utcnow(), load_id, reason) for i, k in issues])

    def close_interrupted_loads(self) -> None:
        """A load killed outright stays `running`; under the ETL lock none can still be."""
        self.con.execute("UPDATE raw_loads SET status = 'failed', finished_at = ?, summary = ? "
                         "WHERE status = 'running'", [utcnow(), '{"error": "interrupted"}'])

    def excluded_loads(self) -> list[tuple]:
        """Loads whose rows no build uses, oldest first: (load_id, run_id, kind, source, status,
        error, issue versions, CSV rows, histories). `other_sites` tells what a build leaves out
        of complete loads."""
        return self.con.execute("""
            SELECT l.load_id, l.run_id, l.kind, l.source, l.status, l.summary ->> 'error',
                   (SELECT count(*) FROM raw_issues AS r WHERE r.load_id = l.load_id),
                   (SELECT count(*) FROM raw_csv_rows AS r WHERE r.load_id = l.load_id),
                   (SELECT count(*) FROM raw_changelogs AS r WHERE r.load_id = l.load_id)
            FROM raw_loads AS l
            WHERE l.load_id NOT IN (SELECT load_id FROM complete_loads)
            ORDER BY l.load_id
        """).fetchall()

    def issue_changes(self, run_id: int, site_url: str) -> tuple[int, int]:
        """Issues first stored by a sync run, and issues that got a new version in it.

        Loads and rows share one sequence, so everything stored before the run has a smaller number.
        """
        return self.con.execute("""
            WITH touched AS (
                SELECT DISTINCT r.issue_id FROM raw_issues AS r JOIN raw_loads AS l USING (load_id)
                WHERE l.load_id >= ? AND l.kind LIKE 'sync-%' AND l.source = ?),
            before AS (SELECT DISTINCT issue_id FROM raw_issues WHERE seq < ?)
            SELECT count(*) FILTER (WHERE b.issue_id IS NULL), count(*) FILTER (WHERE b.issue_id IS NOT NULL)
            FROM touched AS t LEFT JOIN before AS b USING (issue_id)
        """, [run_id, site_url, run_id]).fetchall()[0]

    def issues_unlisted(self, site_url: str, pages: Iterable[str]) -> tuple[int, list[tuple[str, str]]]:
        """How many issues the search pages (JSON text) list, and the (id, key) of issues synced from
        the site that they do not list, unless already retired since last fetched."""
        self.con.execute("CREATE OR REPLACE TEMP TABLE jira_listed (issue_id VARCHAR)")
        try:
            for text in pages:
                self.con.execute("INSERT INTO jira_listed "
                                 "SELECT unnest(json_extract_string(?::JSON, '$.issues[*].id'))", [text])
            listed = self.con.execute("SELECT count(*) FROM jira_listed").fetchall()[0][0]
            unlisted = self.con.execute("""
                SELECT r.issue_id, arg_max(r.issue_key, r.seq)
                FROM raw_issues AS r JOIN raw_loads AS l USING (load_id)
                WHERE l.kind LIKE 'sync-%' AND l.source = ? AND r.issue_id IS NOT NULL
                  AND r.issue_id NOT IN (SELECT issue_id FROM jira_listed WHERE issue_id IS NOT NULL)
                GROUP BY r.issue_id
                HAVING max(r.fetched_at) > coalesce((SELECT max(t.retired_at) FROM retired_issues AS t
                                                     WHERE t.issue_id = r.issue_id), '-infinity'::TIMESTAMP)
            """, [site_url]).fetchall()
        finally:
            self.con.execute("DROP TABLE IF EXISTS jira_listed")
        return listed, unlisted

    # -- changelogs fetched apart --------------------------------------------------------------
    def issues_with_histories(self, load_id: int) -> set[str]:
        """Issues with histories stored apart that a history fetched by `load_id` is compared with."""
        return {row[0] for row in self.con.execute(
            "SELECT DISTINCT issue_id FROM raw_changelogs WHERE load_id IN (SELECT unnest(?::BIGINT[]))",
            [self._compared(load_id)]).fetchall()}

    def history_ids(self, load_id: int, issue_ids: list[str]) -> list[tuple[str, str]]:
        """(issue id, history id) of the histories stored apart for these issues, as `load_id` compares."""
        return self.con.execute("SELECT issue_id, payload ->> 'id' FROM raw_changelogs "
                                "WHERE issue_id IN (SELECT unnest($ids::VARCHAR[])) AND load_id IN (SELECT unnest($compared::BIGINT[]))",
                                {"ids": issue_ids, "compared": self._compared(load_id)}).fetchall()

    # -- CSV rows ------------------------------------------------------------------------------
    def start_csv_staging(self) -> None:
        self.con.execute("CREATE OR REPLACE TEMP TABLE incoming_csv_rows (ord BIGINT, row_number BIGINT, payload JSON)")

    def stage_csv_rows(self, rows: list[tuple[int, str]], first_ord: int) -> None:
        """Rows (file line, [[header, value], ...] as JSON text) held aside until `store_csv_rows`;
        `first_ord` numbers them in file order across calls."""
        if not rows:
            return
        table = pa.table({
            "ord": pa.array(range(first_ord, first_ord + len(rows)), pa.int64()),
            "row_number": pa.array([line for line, _ in rows], pa.int64()),
            "payload": pa.array([payload for _, payload in rows], pa.string()),
        })
        self.con.register("incoming_csv_batch", table)
        try:
            self.con.execute("INSERT INTO incoming_csv_rows "
                             "SELECT ord, row_number, payload::JSON FROM incoming_csv_batch")
        finally:
            self.con.unregister("incoming_csv_batch")

    def store_csv_rows(self, load_id: int, fetched_at: datetime) -> int:
        """Stores the staged rows not already stored; returns how many were new."""
        # seq follows the file's order (the subquery is sorted), so of two rows for one issue with
        # the same Updated the later one wins, as it would in Jira's own list.
        return self.con.execute("""
            INSERT INTO raw_csv_rows
            SELECT nextval('raw_seq'), $load, $fetched_at, row_number, payload
            FROM (
                SELECT i.ord, i.row_number, i.payload
                FROM incoming_csv_rows AS i
                WHERE NOT EXISTS (SELECT 1 FROM raw_csv_rows AS r
                                  WHERE r.payload::VARCHAR = i.payload::VARCHAR AND r.load_id IN (SELECT unnest($compared::BIGINT[])))
                QUALIFY row_number() OVER (PARTITION BY i.payload::VARCHAR ORDER BY i.ord) = 1
                ORDER BY i.ord
            )
        """, {"load": load_id, "fetched_at": fetched_at, "compared": self._compared(load_id)}).fetchall()[0][0]

    def staged_csv_rows_mapped(self, model_sql: str) -> list[tuple]:
        """The staged rows as the CSV model maps them, in file order: (file line, issue key, date
        problems, unmapped columns). Ends the staging."""
        try:
            return self.con.execute(f"""
                SELECT i.row_number, p.issue_key, p.date_problems, p.unmapped_columns
                FROM (
{model_sql}
                ) AS p
                JOIN raw_csv_rows AS r USING (seq)
                JOIN incoming_csv_rows AS i ON i.payload::VARCHAR = r.payload::VARCHAR
                ORDER BY i.ord
            """).fetchall()
        finally:
            self.con.execute("DROP TABLE IF EXISTS incoming_csv_rows")

    def add_reject_once(self, load_id: int, origin: str, reason: str, excerpt: str | None = None) -> None:
        """A reject not already on record: the same bad row from the same file, imported again,
        adds nothing."""
        seen = self.con.execute("SELECT count(*) FROM raw_rejects WHERE origin = ? AND reason = ? AND excerpt = ?",
                                [redact(origin), redact(reason), _excerpt(excerpt)]).fetchall()[0][0]
        if not seen:
            self.add_reject(load_id, origin, reason, excerpt)

    # -- checkpoints -------------------------------------------------------------------------
    def get_state(self, name: str):
        rows = self.con.execute("SELECT value FROM sync_state WHERE name = ?", [name]).fetchall()
        return json.loads(rows[0][0]) if rows and rows[0][0] is not None else None

    def set_state(self, name: str, value) -> None:
        self.con.execute("INSERT OR REPLACE INTO sync_state VALUES (?, ?, ?)",
                         [name, json.dumps(value), utcnow()])

    def clear_state(self, name: str) -> None:
        self.con.execute("DELETE FROM sync_state WHERE name = ?", [name])

    # -- digests -----------------------------------------------------------------------------
    def _digests_table(self) -> None:
        # Created on first use: stores written before digests existed gain it then.
        self.con.execute("CREATE TABLE IF NOT EXISTS sent_digests (team VARCHAR NOT NULL, day DATE NOT NULL, "
                         "channel VARCHAR NOT NULL, as_of TIMESTAMP NOT NULL, sent_at TIMESTAMP NOT NULL)")

    def digest_sent(self, team: str, day, channel: str) -> bool:
        """Whether the team's digest for `day` (UTC) already went out on `channel`."""
        self._digests_table()
        return bool(self.con.execute("SELECT count(*) FROM sent_digests WHERE team = ? AND day = ? AND channel = ?",
                                     [team, day, channel]).fetchall()[0][0])

    def last_digest_as_of(self, team: str) -> datetime | None:
        """The as-of time of the data the team's latest digest was sent from, on any channel."""
        self._digests_table()
        return self.con.execute("SELECT max(as_of) FROM sent_digests WHERE team = ?", [team]).fetchall()[0][0]

    def record_digest(self, team: str, day, channel: str, as_of: datetime) -> None:
        self._digests_table()
        self.con.execute("INSERT INTO sent_digests VALUES (?, ?, ?, ?, ?)", [team, day, channel, as_of, utcnow()])
