-- Open strategic items at the period's end by age in whole days, in fixed buckets (empty ones
-- included so the shape is comparable between periods). low and high bound each bucket for the
-- drill-down query stalls_aging_items.
with

buckets(position, bucket, low, high) as (
    values (1, '0–30 days', 0, 30), (2, '31–90 days', 31, 90), (3, '91–180 days', 91, 180),
           (4, '181–365 days', 181, 365), (5, 'over 365 days', 366, null)
),

open_items as (
    select floor(days_open) as age
    from marts.selected_action_items($sel)
    where class = 'strategic' and is_open
)

select b.bucket, b.low, b.high, count(o.age) as items
from buckets as b
left join open_items as o on o.age >= b.low and (b.high is null or o.age <= b.high)
group by all
order by any_value(b.position)
