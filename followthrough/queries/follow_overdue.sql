-- Action items overdue at the period's end (filed in the period, open then and past their due
-- date), most days late first, at most $limit of them with the total.
select
    url,
    summary,
    coalesce(owner, 'no owner') as owner,
    due_date,
    days_overdue,
    class,
    team,
    service,
    status,
    count(*) over () as total_rows
from marts.selected_action_items($sel)
where is_overdue
order by days_overdue desc, due_date, issue_key
limit $limit
