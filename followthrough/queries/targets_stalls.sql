-- Open strategic items at the period's end that a leader must weigh: stalled, without a stated
-- risk, with a due date moved later twice or more, or not handed over; each with its risk and its
-- cost of delay (marts.stalled_delay). Costliest first; at most $limit with the total.
with

cost as (
    select item_key as issue_key, count(*) as incidents, sum(cost) as cost, any_value(cost_measure) as cost_measure
    from marts.stalled_delay($sel)
    -- Only the items listed: the other classes' stalled items make a third of the pairs.
    where class = 'strategic'
    group by all
)

select
    t.issue_key,
    t.url,
    t.summary,
    t.risk,
    t.is_stalled as stalled,
    t.missing_risk,
    t.due_date_slips,
    t.days_slipped,
    t.due_date_slips >= 2 as slipped_twice,
    t.not_handed_over,
    coalesce(c.incidents, 0) as delay_incidents,
    coalesce(c.cost, 0) as delay_cost,
    coalesce(t.owner, 'no owner') as owned_by,
    t.team,
    t.service,
    t.created_at,
    count(*) over () as total_rows
from marts.selected_targets($sel) as t
left join cost as c using (issue_key)
where t.class = 'strategic' and t.is_open
  and (t.is_stalled or t.missing_risk or t.due_date_slips >= 2 or t.not_handed_over)
order by delay_cost desc, t.due_date_slips desc, t.created_at, t.issue_key
limit $limit
