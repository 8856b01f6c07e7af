-- The action items tied to one incident, by key, and their state at the as-of time.
select
    issue_key,
    summary,
    class,
    status,
    case when is_open then 'open' else 'closed' end as state,
    coalesce(owner, 'no owner') as owner,
    tie,
    created_at,
    due_date,
    closed_at,
    days_open,
    coalesce(is_overdue, false) as is_overdue,
    days_overdue,
    coalesce(is_stalled, false) as is_stalled,
    stall_reason,
    url
from marts.action_item_states
where incident_key = $key
order by is_open desc, created_at, issue_key
