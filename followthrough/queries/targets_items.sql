-- The selection's items past their target ($which = 'breached', longest past first) or near it
-- ('near', soonest first) at the period's end, with whose they are; at most $limit with the total.
select
    issue_key,
    url,
    summary,
    coalesce(owner, 'no owner') as owned_by,
    class,
    coalesce(severity, '(none)') as severity,
    team,
    target_at,
    floor(t.days_past_target) as days_past_target,
    ceil(t.days_to_target) as days_to_target,
    due_date,
    status,
    count(*) over () as total_rows
from marts.selected_targets($sel) as t
where case $which when 'breached' then is_breached when 'near' then is_near_target end
order by case when $which = 'breached' then -t.days_past_target else epoch(t.target_at) end, t.issue_key
limit $limit
