-- Repeats per service and month of the period, zero where a service had none, for the services
-- in $shown (those the page charts; "(none)" stands for incidents without a service).
with

incidents as (
    select issue_key, coalesce(service, '(none)') as service, created_at
    from marts.selected_incidents($sel)
),

months as (
    select unnest(range(date_trunc('month', $sel['start']), $sel['end'], interval 1 month)) as month
),

repeats as (
    select n.service, date_trunc('month', n.created_at) as month, count(*) as recurrences
    from incidents as n
    join marts.repeats as r using (issue_key)
    group by all
)

select s.service, m.month, coalesce(r.recurrences, 0) as recurrences
from (select distinct service from incidents where list_contains($shown, service)) as s
cross join months as m
left join repeats as r using (service, month)
order by s.service, m.month
