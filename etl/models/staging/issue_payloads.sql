-- materialize: temp view
-- Every stored issue version as Jira-shaped JSON, whatever it came from. The one place the models
-- read issue payloads: issues from sync and JSON files as stored, rows of CSV exports as
-- staging/csv_payloads.sql shapes them, of the loads a publish counts (kept_loads). payload_md5
-- names the payload's content: a CSV row's can change with rows loaded later (a link given by id
-- gets its key), and the parse cache keys on it (issue_documents).
select seq, load_id, fetched_at, issue_id, issue_key, issue_updated, payload_md5, payload
from raw.raw_issues
where load_id in (select load_id from kept_loads)
union all
select seq, load_id, fetched_at, issue_id, issue_key, issue_updated, md5(payload::VARCHAR), payload
from csv_payloads
where load_id in (select load_id from kept_loads)
