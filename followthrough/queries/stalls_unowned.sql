-- Open strategic items at the period's end with nobody assigned, oldest first, at most $limit of
-- them with the total.
select
    url,
    summary,
    status,
    team,
    service,
    created_at,
    floor(days_open) as days_open,
    is_stalled,
    count(*) over () as total_rows
from marts.action_items_at(least($end, (select as_of from marts.build_info)))
where class = 'strategic' and is_open and owner is null
  and created_at >= $start and created_at < $end
  and marts.in_selection(severity, $severities)
  and marts.in_selection(service, $services)
  and marts.in_selection(team, $teams)
order by days_open desc, issue_key
limit $limit
