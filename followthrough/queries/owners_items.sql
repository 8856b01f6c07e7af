-- The items behind one figure ($figure, a column of marts.owner_figures) of one owner or team
-- ($per, $who), as marts.owner_items flags them; at most $limit with the total.
select
    url,
    summary,
    class,
    coalesce(severity, '(none)') as severity,
    status,
    target_at,
    due_date,
    due_date_slips,
    stall_reason as why_stalled,
    created_at,
    count(*) over () as total_rows
from marts.owner_items($sel, $per)
where accountable = $who
  and case $figure when 'open' then is_open when 'overdue' then overdue when 'breached' then is_breached
                   when 'near_target' then is_near_target when 'stalled' then is_stalled
                   when 'strategic_stalled' then strategic_stalled when 'not_handed_over' then not_handed_over end
order by created_at, issue_key
limit $limit
