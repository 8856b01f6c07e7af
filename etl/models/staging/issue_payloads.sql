-- materialize: temp view
-- Every stored issue version as Jira-shaped JSON, whatever it came from. The one place the models
-- read issue payloads, so another source (a CSV export) only has to join in here.
select seq, load_id, fetched_at, issue_id, issue_key, issue_updated, payload
from raw.raw_issues
