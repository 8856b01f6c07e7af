-- Open strategic items at the period's end aged $low to $high whole days (no upper bound when
-- $high is NULL), oldest first, at most $limit of them with the total.
select
    url,
    summary,
    status,
    coalesce(owner, 'no owner') as owner,
    team,
    service,
    created_at,
    floor(days_open) as days_open,
    is_stalled,
    count(*) over () as total_rows
from marts.selected_action_items($sel)
where class = 'strategic' and is_open
  and floor(days_open) >= $low and ($high is null or floor(days_open) <= $high)
order by days_open desc, issue_key
limit $limit
