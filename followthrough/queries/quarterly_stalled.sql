-- Strategic action items filed in the quarter that were stalled at its end (or at the as-of time
-- for the quarter still running), costliest first: the cost of delay (marts.stalled_delay: the
-- incidents on its service since it was filed, weighted), then the incidents, then the days
-- without a status change. At most $limit (NULL: all); total_rows counts them all. Their status is
-- today's; moved_since says it changed after the end. risk is what the item states would happen
-- if it is not done ([risk]); missing_risk flags a strategic item that states none.
with

cost as (
    select item_key as issue_key, count(*) as incidents_since, sum(cost) as cost_of_delay
    from marts.stalled_delay($sel)
    -- Only the items listed: the other classes' stalled items make a third of the pairs.
    where class = 'strategic'
    group by all
)

select
    a.issue_key,
    a.summary,
    a.risk,
    a.missing_risk,
    coalesce(a.owner, 'no owner') as owner,
    a.team,
    a.days_without_status_change,
    coalesce(c.incidents_since, 0) as incidents_since,
    coalesce(c.cost_of_delay, 0) as cost_of_delay,
    a.status,
    a.moved_since,
    a.stall_reason,
    a.incident_key,
    n.url as incident_url,
    a.service,
    a.created_at,
    a.due_date,
    a.url,
    count(*) over () as total_rows
from marts.selected_targets($sel) as a
left join cost as c using (issue_key)
left join marts.incidents as n on n.issue_key = a.incident_key
where a.class = 'strategic' and a.is_stalled
order by cost_of_delay desc, incidents_since desc, a.days_without_status_change desc, a.issue_key
limit $limit
