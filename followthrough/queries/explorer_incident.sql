-- One incident, by key, as the explorer's header shows it.
select
    issue_key,
    summary,
    coalesce(severity, '(none)') as severity,
    severity_raw,
    service,
    team,
    status,
    status_category,
    assignee_name,
    created_at,
    resolved_at,
    hours_to_resolve / 24 as days_to_resolve,
    url
from marts.incidents
where issue_key = $key
