-- The action items behind a period's headline figures: filed in the period, as they stood at its
-- end (or at the as-of time for a period still running). The one order every page promises:
-- overdue first, then stalled, then open, each oldest first, so what has waited longest leads;
-- at most $limit rows, with total_rows counting them all.
select
    issue_key,
    url,
    summary,
    class,
    coalesce(owner, 'no owner') as owner,
    team,
    service,
    incident_key,
    status,
    created_at,
    due_date,
    case when not is_open then closed_at end as closed_at,
    is_open,
    coalesce(is_overdue, false) as is_overdue,
    coalesce(is_stalled, false) as is_stalled,
    count(*) over () as total_rows
from marts.selected_action_items($sel)
order by coalesce(is_overdue, false) desc, coalesce(is_stalled, false) desc, is_open desc, created_at, issue_key
limit $limit
