-- Strategic items stalled at the period's end, worst first: the most whole days without a status
-- change (fractions of a day would make every tie unique), then the most incidents on their
-- service since they were filed (their cost of delay). At most $limit of them with the total.
select
    issue_key,
    url,
    summary,
    status,
    stall_reason,
    floor(days_without_status_change) as days_without_movement,
    incidents_while_open,
    service,
    coalesce(owner, 'no owner') as owner,
    team,
    created_at,
    floor(days_open) as days_open,
    count(*) over () as total_rows
from marts.selected_action_items($sel)
where class = 'strategic' and is_stalled
order by days_without_movement desc, incidents_while_open desc, issue_key
limit $limit
