-- Action items overdue at the period's end (filed in the period, open then and past their due
-- date), most days late first, at most $limit of them with the total.
select
    url,
    summary,
    owner,
    due_date,
    days_overdue,
    class,
    team,
    service,
    status,
    count(*) over () as total_rows
from marts.action_items_at(least($end, (select as_of from marts.build_info)))
where is_overdue
  and created_at >= $start and created_at < $end
  and marts.in_selection(severity, $severities)
  and marts.in_selection(service, $services)
  and marts.in_selection(team, $teams)
order by days_overdue desc, due_date, issue_key
limit $limit
