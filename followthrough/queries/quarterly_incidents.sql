-- The incidents behind the quarter's figures: filed in [$sel['start'], $sel['end']) under the filters, with
-- whether each repeated an earlier one and came back while fixes of an earlier one were open, and
-- the days it has been open when unresolved (the time Kaplan-Meier counts it for). At most $limit
-- (NULL: all), newest first; total_rows counts them all.
select
    i.issue_key,
    i.summary,
    coalesce(i.severity, '(none)') as severity,
    i.service,
    i.team,
    i.status,
    i.created_at,
    i.resolved_at,
    i.is_resolved,
    i.hours_to_resolve / 24 as days_to_resolve,
    case when not i.is_resolved then marts.days_between(i.created_at, (select as_of from staging.stg_as_of)) end
        as days_unresolved,
    r.earlier_issue_key as repeat_of,
    r.recurred_while_open as repeat_while_fixes_open,
    i.url,
    count(*) over () as total_rows
from marts.selected_incidents($sel) as i
left join marts.repeats as r using (issue_key)
order by i.created_at desc, i.issue_key
limit $limit
