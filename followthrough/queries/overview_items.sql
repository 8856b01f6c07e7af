-- The action items behind the headline figures: filed in the period, with their state at its end.
-- Overdue first, then stalled, then other open items, then closed ones; at most $limit of them
-- with the total.
select
    url,
    summary,
    class,
    owner,
    team,
    status,
    created_at,
    due_date,
    case when not is_open then closed_at end as closed_at,
    is_open,
    coalesce(is_overdue, false) as is_overdue,
    is_stalled,
    count(*) over () as total_rows
from marts.action_items_at(least($end, (select as_of from marts.build_info)))
where created_at >= $start and created_at < $end
  and marts.in_selection(severity, $severities)
  and marts.in_selection(service, $services)
  and marts.in_selection(team, $teams)
order by coalesce(is_overdue, false) desc, is_stalled desc, is_open desc, created_at, issue_key
limit $limit
