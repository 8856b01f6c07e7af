-- The incidents behind the headline figures, newest first, at most $limit of them with the total.
select
    n.url,
    n.summary,
    coalesce(n.severity, '(none)') as severity,
    n.service,
    n.team,
    n.status,
    n.created_at,
    n.resolved_at,
    n.hours_to_resolve,
    r.earlier_issue_key as repeat_of,
    count(*) over () as total_rows
from marts.incidents as n
left join marts.recurrences as r using (issue_key)
where n.created_at >= $start and n.created_at < $end
  and marts.in_selection(n.severity, $severities)
  and marts.in_selection(n.service, $services)
  and marts.in_selection(n.team, $teams)
order by n.created_at desc, n.issue_key
limit $limit
