-- Burn-up of the action items filed in the period: per week, how many had been filed and how many
-- of those closed by the week's end, up to the period's end (or the as-of time if earlier).
with

until as (
    select least($sel['end'], as_of) as t from marts.build_info
),

items as (
    select created_at, closed_at
    from marts.action_items
    where marts.in_selection($sel, action_items)
),

weeks as (
    select unnest(range(date_trunc('week', $sel['start']), (select t from until), interval 7 day)) as week
),

filed as (
    select date_trunc('week', created_at) as week, count(*) as items from items group by all
),

closed as (
    select date_trunc('week', closed_at) as week, count(*) as items
    from items
    where closed_at < (select t from until)
    group by all
)

select
    w.week,
    coalesce(f.items, 0) as filed_in_week,
    coalesce(c.items, 0) as closed_in_week,
    sum(coalesce(f.items, 0)) over (order by w.week) as filed,
    sum(coalesce(c.items, 0)) over (order by w.week) as closed
from weeks as w
left join filed as f using (week)
left join closed as c using (week)
order by w.week
