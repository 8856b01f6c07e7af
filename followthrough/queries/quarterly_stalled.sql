-- Strategic action items filed in the quarter that were stalled at its end (or at the as-of time
-- for the quarter still running), longest without a status change first, at most $limit;
-- total_rows counts them all. Their status is today's; moved_since says it changed after the end.
select
    issue_key,
    summary,
    coalesce(owner, 'no owner') as owner,
    status,
    moved_since,
    stall_reason,
    days_without_status_change,
    incident_key,
    service,
    team,
    created_at,
    due_date,
    url,
    count(*) over () as total_rows
from marts.selected_action_items($sel)
where class = 'strategic' and is_stalled
order by days_without_status_change desc, issue_key
limit $limit
