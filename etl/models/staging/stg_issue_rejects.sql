-- Issues that could not be used, kept so the quarantine can say which and why.
select seq, load_id, fetched_at, issue_id, issue_key, reject_reason
from staging.stg_issue_candidates
where reject_reason is not null
