-- Open strategic items at the period's end aged $low to $high whole days (no upper bound when
-- $high is NULL), oldest first, at most $limit of them with the total.
select
    url,
    summary,
    status,
    owner,
    team,
    service,
    created_at,
    floor(days_open) as days_open,
    is_stalled,
    count(*) over () as total_rows
from marts.action_items_at(least($end, (select as_of from marts.build_info)))
where class = 'strategic' and is_open
  and floor(days_open) >= $low and ($high is null or floor(days_open) <= $high)
  and created_at >= $start and created_at < $end
  and marts.in_selection(severity, $severities)
  and marts.in_selection(service, $services)
  and marts.in_selection(team, $teams)
order by days_open desc, issue_key
limit $limit
