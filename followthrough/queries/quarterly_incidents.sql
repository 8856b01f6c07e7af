-- The incidents behind the quarter's figures: filed in [$sel['start'], $sel['end']) under the filters, with
-- whether each repeated an earlier one. At most $limit, newest first; total_rows counts them all.
select
    i.issue_key,
    i.summary,
    coalesce(i.severity, '(none)') as severity,
    i.service,
    i.team,
    i.status,
    i.created_at,
    i.resolved_at,
    i.hours_to_resolve / 24 as days_to_resolve,
    r.earlier_issue_key as repeat_of,
    i.url,
    count(*) over () as total_rows
from marts.selected_incidents($sel) as i
left join marts.repeats as r using (issue_key)
order by i.created_at desc, i.issue_key
limit $limit
