-- Open strategic items at the period's end with nobody assigned, oldest first, at most $limit of
-- them with the total.
select
    url,
    summary,
    status,
    team,
    service,
    created_at,
    floor(days_open) as days_open,
    is_stalled,
    count(*) over () as total_rows
from marts.selected_action_items($sel)
where class = 'strategic' and is_open and owner is null
order by days_open desc, issue_key
limit $limit
