-- Where strategic items' time goes: days in each status (marts.status_periods, the current one
-- running to the as-of time) for the strategic items filed in the period. Done statuses are left
-- out: an item sits in one forever once closed, which says nothing about where the work waited.
-- The median is over the items that were in the status at all, each item's visits added up.
with

items as (
    select issue_id
    from marts.action_items
    where class = 'strategic' and marts.in_selection($sel, action_items)
),

per_item as (
    select p.issue_id, p.status, p.status_category, sum(p.days) as days
    from marts.status_periods as p
    join items using (issue_id)
    where p.status_category <> 'done'
    group by all
)

select status, status_category, count(*) as items, sum(days) as total_days, median(days) as median_days
from per_item
group by all
order by total_days desc, status
