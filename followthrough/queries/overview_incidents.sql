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
from marts.selected_incidents($sel) as n
left join marts.repeats as r using (issue_key)
order by n.created_at desc, n.issue_key
limit $limit
