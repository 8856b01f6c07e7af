-- Incidents of the selection that needed a post-mortem and have no action item from it
-- (marts.postmortem_gaps), longest since resolved first; at most $limit with the total.
select
    url,
    summary,
    severity,
    service,
    team,
    resolved_at,
    floor(days_since_resolved) as days_since_resolved,
    count(*) over () as total_rows
from marts.postmortem_gaps($sel)
order by days_since_resolved desc, issue_key
limit $limit
