-- The quarters the review can show: every calendar quarter in which an incident or an action item
-- was filed, up to the as-of time, newest first. Not narrowed by the filters, so the picker keeps
-- its choices while they change. A quarter is complete once it ended before the as-of time; one
-- still running is compared with as many whole days of the quarter before as it has had up to the
-- as-of time (previous_end), so that neither has more time to fill up.
with

filed as (
    select created_at from marts.incidents
    union all
    select created_at from marts.action_items
),

quarters as (
    select distinct date_trunc('quarter', created_at) as quarter_start
    from filed
)

select
    year(q.quarter_start) || ' Q' || quarter(q.quarter_start) as label,
    q.quarter_start::timestamp as quarter_start,
    (q.quarter_start + interval 3 month)::timestamp as quarter_end,
    (q.quarter_start - interval 3 month)::timestamp as previous_start,
    case
        when q.quarter_start + interval 3 month <= b.as_of then q.quarter_start::timestamp
        else (q.quarter_start - interval 3 month
              + (date_trunc('day', b.as_of - interval 1 microsecond) + interval 1 day - q.quarter_start))::timestamp
    end as previous_end,
    year(q.quarter_start - interval 3 month) || ' Q' || quarter(q.quarter_start - interval 3 month) as previous_label,
    q.quarter_start + interval 3 month <= b.as_of as is_complete
from quarters as q
cross join marts.build_info as b
where q.quarter_start <= b.as_of
order by q.quarter_start desc
