-- The action items behind the curves (filed in the period, followed up to the as-of time),
-- open items first, longest open first; at most $limit of them with the total.
select
    url,
    summary,
    class,
    coalesce(team, '(none)') as team,
    coalesce(owner, 'no owner') as owner,
    status,
    created_at,
    closed_at,
    is_open,
    days_open,
    count(*) over () as total_rows
from marts.action_item_states
where marts.in_selection($sel, action_item_states)
order by is_open desc, days_open desc, issue_key
limit $limit
