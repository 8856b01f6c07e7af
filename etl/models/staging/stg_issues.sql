-- Issues the marts can use. The others are in stg_issue_rejects with their reason.
select * exclude (reject_reason)
from staging.stg_issue_candidates
where reject_reason is null
