"""A publish parses only payload versions no earlier publish parsed, and gives exactly what a full
publish (`publish --full`, everything parsed again from the raw store) gives: every table and view
of marts and staging is compared after loads that add, update and retire issues, after a failed
load, a CSV import, an as-of publish, a configuration change that alters parsing, and a publish
killed part-way."""
import json
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta

import duckdb
import pytest

from conftest import FIXTURES, ROOT
from etl.config import DEMO_CONFIG, load_config
from etl.demo.generate import DEMO_AS_OF, generate
from etl.publish import _vacuum_cache_only_when_due, cache_path, publish
from etl.rawstore import RawStore
from etl.runner import CACHE

FETCHED = DEMO_AS_OF.replace(tzinfo=None)


def relations(path) -> dict[str, list[tuple]]:
    """Every table and view of marts and staging, rows sorted; build_info less when it was built."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        names = con.execute("""
            SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ('marts', 'staging')
            UNION ALL
            SELECT schema_name, view_name FROM duckdb_views() WHERE schema_name IN ('marts', 'staging')
            ORDER BY ALL""").fetchall()
        out = {}
        for schema, name in names:
            columns = "* EXCLUDE (built_at)" if name == "build_info" else "*"
            rows = con.execute(f"SELECT {columns} FROM {schema}.{name}").fetchall()
            out[f"{schema}.{name}"] = sorted(rows, key=repr)
        return out
    finally:
        con.close()


def assert_same_as_full(store, cfg, incremental, full_target, as_of=None):
    """Publishes incrementally to `incremental` and from scratch to `full_target`; both must agree."""
    publish(cfg, store, target=incremental, as_of=as_of)
    publish(cfg, store, target=full_target, as_of=as_of, full=True)
    ours, theirs = relations(incremental), relations(full_target)
    assert ours.keys() == theirs.keys()
    differing = [name for name in ours if ours[name] != theirs[name]]
    assert not differing, f"incremental and full publishes differ in {differing}"
    return ours


def load(store, texts, kind="json", status="done", fetched=FETCHED):
    load_id = store.begin_load(kind, f"test load {kind}")
    store.add_issue_texts(load_id, texts, fetched)
    store.finish_load(load_id, status, {})
    return load_id


def updated(issue: dict, hours: int, **fields) -> str:
    """A later version of the issue: Jira moves `updated` on and changes the given fields."""
    new = json.loads(json.dumps(issue))
    stamp = datetime.strptime(new["fields"]["updated"][:19], "%Y-%m-%dT%H:%M:%S") + timedelta(hours=hours)
    new["fields"]["updated"] = stamp.strftime("%Y-%m-%dT%H:%M:%S.000+0000")
    new["fields"].update(fields)
    return json.dumps(new)


@pytest.fixture
def issues():
    return list(generate(incidents=60, seed=3))


def test_loads_that_add_update_and_retire_issues_publish_as_a_full_publish_does(tmp_path, issues):
    cfg = load_config(DEMO_CONFIG)
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    half = len(issues) // 2
    with RawStore(tmp_path / "warehouse.duckdb") as store:
        load(store, [json.dumps(i) for i in issues[:half]])
        first = assert_same_as_full(store, cfg, incremental, full)
        assert len(first["marts.issues"]) == half

        # New issues, new versions of old ones (a summary, a label, a custom field), a version that
        # breaks (quarantined: one bad record costs one record), and a load that failed.
        changed = [updated(i, 5, summary=f"{i['fields']['summary']} (edited)") for i in issues[:10]]
        changed += [updated(i, 6, labels=i["fields"]["labels"] + ["strategic"]) for i in issues[10:20]]
        changed += [updated(i, 7, customfield_10100={"value": "Sev 1"}) for i in issues[20:30]]
        changed.append(updated(issues[30], 8, created="yesterday"))
        load(store, [json.dumps(i) for i in issues[half:]] + changed)
        load(store, [updated(i, 9, summary="never published") for i in issues[40:50]], status="failed")
        second = assert_same_as_full(store, cfg, incremental, full)
        assert len(second["marts.issues"]) == len(issues) - 1
        assert len(second["marts.quarantine"]) == 1
        assert second != first

        # Retirements: deleted in Jira, so they drop out; one is fetched again after, so it is back.
        retiring = store.begin_load("sync-cloud", "https://demo.followthrough.invalid",
                                    "https://demo.followthrough.invalid")
        store.retire(retiring, [(i["id"], i["key"]) for i in issues[50:60]], "deleted in Jira")
        store.finish_load(retiring, "done", {})
        load(store, [updated(issues[55], 10)], fetched=datetime.utcnow() + timedelta(minutes=1))
        third = assert_same_as_full(store, cfg, incremental, full)
        assert len(third["marts.issues"]) == len(issues) - 1 - 9

        # An as-of publish reads the same kept rows under another clock.
        assert_same_as_full(store, cfg, incremental, full, as_of=datetime(2025, 6, 1))
    assert cache_path(tmp_path / "warehouse.duckdb").exists()


def test_the_cache_is_vacuumed_only_once_a_quarter_of_a_table_is_replaced_versions(tmp_path):
    """Vacuuming the cache rewrote row groups to drop 1 % of its rows (issue_documents: 3.6-4.2 s of a
    38 s publish at 1,000,000 issues), so replaced versions stay in it, deleted, until they are a
    quarter of a table's rows; the publish that finds them so vacuums. On a table of nine row groups
    (at the demo's scale a table is one, rewritten whole at every checkpoint), deletes that DuckDB
    would vacuum at once: half of two row groups, which then fit in one."""
    con = duckdb.connect()
    con.execute(f"ATTACH '{tmp_path / 'cache.duckdb'}' AS {CACHE}")
    con.execute(f"CREATE TABLE {CACHE}.issue_documents AS "
                "SELECT range AS seq, md5(range::VARCHAR) AS payload_md5 FROM range(1000000)")
    con.execute(f"CHECKPOINT {CACHE}")
    group = 122_880
    stored = []
    for replaced in (f"seq < {2 * group} AND seq % 2 = 0",                          # 12 % of the rows
                     f"seq >= {2 * group} AND seq < {5 * group} AND seq % 2 = 0",   # 31 % in all
                     "seq % 100 = 99"):
        # A publish: it decides, deletes the versions replaced, and checkpoints as it detaches.
        _vacuum_cache_only_when_due(con)
        con.execute(f"DELETE FROM {CACHE}.issue_documents WHERE {replaced}")
        con.execute(f"CHECKPOINT {CACHE}")
        con.execute("RESET max_vacuum_tasks")
        # A table's estimated size counts the rows it stores, deleted ones too.
        stored += con.execute("SELECT estimated_size FROM duckdb_tables() WHERE table_name = 'issue_documents'"
                              ).fetchall()[0]
    assert stored[:2] == [1_000_000, 1_000_000], stored
    assert stored[2] < 750_000, f"the publish that found 31 % deleted did not vacuum: {stored}"


def test_a_configuration_change_that_alters_parsing_is_parsed_again(tmp_path, issues):
    cfg = load_config(DEMO_CONFIG)
    swapped = tmp_path / "swapped.toml"
    # Severity and team swap fields: the JSON paths parsed out of every payload change.
    text = DEMO_CONFIG.read_text()
    swapped.write_text(text.replace('severity = "customfield_10100"', 'severity = "customfield_10200"')
                       .replace('team = "customfield_10200"', 'team = "customfield_10100"'))
    incremental, full = tmp_path / "incremental.duckdb", tmp_path / "full.duckdb"
    with RawStore(tmp_path / "warehouse.duckdb") as store:
        load(store, [json.dumps(i) for i in issues])
        before = assert_same_as_full(store, cfg, incremental, full)
        after = assert_same_as_full(store, load_config(swapped), incremental, full)
    assert before["staging.stg_issue_attributes"] != after["staging.stg_issue_attributes"]


def test_csv_rows_and_json_loaded_after_them_publish_as_a_full_publish_does(tmp_path, workspace, etl):
    assert etl("import-csv", FIXTURES / "jira_export.csv")[0] == 0
    assert etl("import-json", FIXTURES / "devlake-jira" / "cloud_issues.ndjson")[0] == 0
    with RawStore(workspace.warehouse) as store:
        cfg = load_config(required=False)  # what the commands above read: no file, the defaults
        assert_same_as_full(store, cfg, workspace.published, tmp_path / "full.duckdb")


def test_a_publish_killed_at_any_moment_leaves_the_cache_true(tmp_path, issues):
    cfg = load_config(DEMO_CONFIG)
    warehouse = tmp_path / "warehouse.duckdb"
    published, full = tmp_path / "published.duckdb", tmp_path / "full.duckdb"
    script = ("import sys\nfrom pathlib import Path\nfrom etl.config import DEMO_CONFIG, load_config\n"
              "from etl.publish import publish\nfrom etl.rawstore import RawStore\n"
              f"with RawStore({str(warehouse)!r}) as store:\n"
              f"    publish(load_config(DEMO_CONFIG), store, target=Path({str(published)!r}))\n")
    with RawStore(warehouse) as store:
        load(store, [json.dumps(i) for i in issues[:100]])
        publish(cfg, store, target=published)
    killed = 0
    for step, delay in enumerate((0.4, 0.8, 1.2, 1.6, 2.0, 2.4)):
        with RawStore(warehouse) as store:
            load(store, [json.dumps(i) for i in issues[100 + 40 * step:140 + 40 * step]]
                 + [updated(i, step + 1, summary=f"step {step}") for i in issues[:20]])
        child = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT)
        time.sleep(delay)
        if child.poll() is None:
            child.send_signal(signal.SIGKILL)
            killed += 1
        child.wait()
        # The published file is the last complete publish's, whole.
        assert relations(published)["marts.issues"]
    assert killed, "every publish finished before it could be killed"
    with RawStore(warehouse) as store:
        assert_same_as_full(store, cfg, published, full)
