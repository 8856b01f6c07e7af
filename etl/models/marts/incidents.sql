-- test: unique(issue_key)
-- test: not_null(created_at)
-- test: relationships(issue_key, marts.issues.issue_key)
-- test: accepted_values(severity, 'SEV-1', 'SEV-2', 'SEV-3', 'SEV-4')
-- One row per incident with its severity (SEV-1..SEV-4, NULL when missing or not in the severity
-- map), service and team (the first value where Jira lists several) and time to resolve.
with

-- The first value of each, in one grouping: a window per attribute and a second grouping cost
-- twice as much.
dimensions as (
    select
        issue_id,
        arg_min(value, position) filter (where attribute = 'severity') as severity_raw,
        arg_min(value, position) filter (where attribute = 'service') as service,
        arg_min(value, position) filter (where attribute = 'team') as team
    from staging.stg_issue_attributes
    where attribute in ('severity', 'service', 'team')
    group by all
)

select
    i.issue_key,
    i.issue_id,
    i.summary,
    i.status,
    i.status_category,
    case when d.severity_raw in ('SEV-1', 'SEV-2', 'SEV-3', 'SEV-4') then d.severity_raw
         else m.severity end as severity,
    d.severity_raw,
    d.service,
    d.team,
    i.created_at,
    i.closed_at as resolved_at,
    i.closed_at is not null as is_resolved,
    epoch(i.closed_at - i.created_at) / 3600.0 as hours_to_resolve,
    i.assignee_name,
    i.url
from marts.issues as i
left join dimensions as d using (issue_id)
left join config.severity_map as m on m.raw_value = d.severity_raw
where i.kind = 'incident'
