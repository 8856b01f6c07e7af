-- The action items behind a period's headline figures: filed in the period, as they stood at its
-- end (or at the as-of time for a period still running). The one order every page promises:
-- overdue first, then stalled, then open, each oldest first, so what has waited longest leads;
-- at most $limit rows (NULL: all), with total_rows counting them all. outcome is the outcome at the
-- period's end; outcome_now and days_followed (to its close, or its age now) are what time to
-- done follows (marts.action_item_states, up to the as-of time); met_target and is_past_target are
-- what target attainment counts (marts.targets_at, at the period's end).
select
    a.issue_key,
    a.url,
    a.summary,
    a.class,
    coalesce(a.owner, 'no owner') as owner,
    a.team,
    a.service,
    a.incident_key,
    a.severity,
    a.status,
    a.created_at,
    a.due_date,
    case when not a.is_open then a.closed_at end as closed_at,
    a.outcome,
    a.is_open,
    a.target_at,
    a.met_target,
    a.is_breached as is_past_target,
    coalesce(a.is_overdue, false) as is_overdue,
    coalesce(a.is_stalled, false) as is_stalled,
    s.outcome as outcome_now,
    s.days_open as days_followed,
    count(*) over () as total_rows
from marts.selected_targets($sel) as a
left join marts.action_item_states as s using (issue_key)
order by coalesce(a.is_overdue, false) desc, coalesce(a.is_stalled, false) desc, a.is_open desc, a.created_at,
    a.issue_key
limit $limit
