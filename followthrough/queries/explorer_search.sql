-- The Incident explorer's table: what its search finds (marts.incident_matches) in [$sel['start'],
-- $sel['end']) under the filters, $text in the key or summary, $status open, resolved or all;
-- newest first, at most $limit (NULL: all); total_rows counts every match. Each with its action
-- items and whether it was a repeat.
select
    m.issue_key,
    m.summary,
    coalesce(m.severity, '(none)') as severity,
    m.service,
    m.team,
    m.status,
    m.created_at,
    m.resolved_at,
    m.hours_to_resolve / 24 as days_to_resolve,
    m.action_items,
    m.open_action_items,
    r.earlier_issue_key as repeat_of,
    m.url,
    count(*) over () as total_rows
from marts.incident_matches($sel, $status, $text) as m
left join marts.repeats as r on r.issue_key = m.issue_key
order by m.created_at desc, m.issue_key
limit $limit
