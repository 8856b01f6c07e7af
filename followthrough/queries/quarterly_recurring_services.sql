-- The services whose incidents in the quarter [$sel['start'], $sel['end']) most often repeated an earlier one,
-- at most $limit of them: repeats, how many came back while the earlier incident's action items
-- were still open, and the share of the service's incidents in the quarter that were repeats.
with

incidents as (
    select issue_key, service
    from marts.selected_incidents($sel)
)

select
    coalesce(i.service, '(none)') as service,
    count(r.issue_key) as repeats,
    count(r.issue_key) filter (where r.recurred_while_open) as repeats_while_items_open,
    count(*) as incidents,
    count(r.issue_key) / count(*) as repeat_share,
    count(*) over () as total_rows
from incidents as i
left join marts.repeats as r using (issue_key)
group by all
having count(r.issue_key) > 0
order by repeats desc, repeat_share desc, service
limit $limit
