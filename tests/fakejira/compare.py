"""What a raw store holds, in a form two syncs can be compared by (tests and the kill drill)."""
from __future__ import annotations

from collections import Counter

from etl.rawstore import RawStore


def snapshot(store: RawStore) -> dict:
    """Every stored issue version and fetched history, counted (a duplicate shows as a 2), and the
    complete history ids of each issue as the SQL models will see them."""
    con = store.con
    return {
        "versions": Counter(con.execute("SELECT issue_id, payload_md5 FROM raw_issues").fetchall()),
        "fetched": Counter(con.execute("SELECT issue_id, payload ->> 'id' FROM raw_changelogs").fetchall()),
        "histories": histories(store),
    }


def histories(store: RawStore) -> dict[str, set[str]]:
    """Inline histories of each issue's latest version, plus those fetched apart."""
    rows = store.con.execute("""
        WITH latest AS (SELECT issue_id, payload FROM raw_issues QUALIFY row_number() OVER (
                            PARTITION BY issue_id ORDER BY seq DESC) = 1)
        SELECT issue_id, unnest(json_extract_string(payload, '$.changelog.histories[*].id')) FROM latest
        UNION SELECT issue_id, payload ->> 'id' FROM raw_changelogs
    """).fetchall()
    found: dict[str, set[str]] = {}
    for issue_id, history_id in rows:
        found.setdefault(issue_id, set()).add(history_id)
    return found
