-- Recurrence per service: repeats among the service's incidents of the period and their rate.
-- Services with the most repeats first, at most $limit of them, with the total and how many of
-- them had a repeat at all.
select
    coalesce(n.service, '(none)') as service,
    count(*) as incidents,
    count(r.issue_key) as recurrences,
    count(r.issue_key) / count(*) as recurrence_rate,
    count(r.issue_key) filter (where r.recurred_while_open) as while_open,
    count(*) over () as total_rows,
    (sum((count(r.issue_key) > 0)::int) over ())::bigint as with_repeats
from marts.selected_incidents($sel) as n
left join marts.repeats as r using (issue_key)
group by all
order by recurrences desc, recurrence_rate desc, service
limit $limit
