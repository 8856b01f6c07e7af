-- The action items behind the quarter's figures: filed in [$sel['start'], $sel['end']), as they stood at its
-- end (or at the as-of time for the quarter still running). Overdue first, then stalled, then
-- open, at most $limit; total_rows counts them all.
select
    issue_key,
    summary,
    class,
    coalesce(owner, 'no owner') as owner,
    status,
    service,
    team,
    incident_key,
    created_at,
    due_date,
    case when not is_open then closed_at end as closed_at,
    is_open,
    coalesce(is_overdue, false) as is_overdue,
    coalesce(is_stalled, false) as is_stalled,
    url,
    count(*) over () as total_rows
from marts.selected_action_items($sel)
order by is_overdue desc nulls last, is_stalled desc, is_open desc, created_at desc, issue_key
limit $limit
