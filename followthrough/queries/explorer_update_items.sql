-- One incident's action items, by key, as they stand at $at (the as-of time): done, dropped or
-- open, with owner and due date, whether they are late (overdue: open past the due date; past
-- target: open past the target [targets] sets; met_target once done or the target has passed),
-- and whether an open one is stalled and for how long it has not moved. Open items first, the
-- latest of them first, then the closed ones by when they closed.
select
    issue_key,
    summary,
    class,
    coalesce(owner, 'no owner') as owner,
    team,
    status,
    case when is_open then 'open' else coalesce(outcome, 'closed') end as state,
    created_at,
    due_date,
    closed_at,
    target_at,
    met_target,
    coalesce(is_overdue, false) as is_overdue,
    days_overdue,
    is_breached as is_past_target,
    floor(days_past_target) as days_past_target,
    coalesce(is_stalled, false) as is_stalled,
    stall_reason,
    -- As marts.action_items_at counts a stall: since filed if never started, else since the last change.
    case when is_open then floor(case when never_started then days_open else days_without_status_change end) end
        as days_without_movement,
    floor(days_open) as days_open,
    url
from marts.targets_at($at)
where incident_key = $key
order by is_open desc, is_overdue desc nulls last, is_breached desc, days_overdue desc nulls last,
         closed_at, created_at, issue_key
