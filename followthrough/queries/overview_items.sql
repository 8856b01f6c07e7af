-- The action items behind the headline figures: filed in the period, with their state at its end.
-- Overdue first, then stalled, then other open items, then closed ones; at most $limit of them
-- with the total.
select
    url,
    summary,
    class,
    coalesce(owner, 'no owner') as owner,
    team,
    status,
    created_at,
    due_date,
    case when not is_open then closed_at end as closed_at,
    is_open,
    coalesce(is_overdue, false) as is_overdue,
    is_stalled,
    count(*) over () as total_rows
from marts.selected_action_items($sel)
order by coalesce(is_overdue, false) desc, is_stalled desc, is_open desc, created_at, issue_key
limit $limit
