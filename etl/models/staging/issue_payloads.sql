-- materialize: temp view
-- Every stored issue version as Jira-shaped JSON, whatever it came from. The one place the models
-- read issue payloads: issues from sync and JSON files as stored, rows of CSV exports as
-- staging/csv_payloads.sql shapes them.
select seq, load_id, fetched_at, issue_id, issue_key, issue_updated, payload
from raw.raw_issues
union all
select seq, load_id, fetched_at, issue_id, issue_key, issue_updated, payload
from csv_payloads
