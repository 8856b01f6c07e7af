-- Each repeat in the period with the incident it repeats, newest first, at most $limit of them
-- with the total: the days between, why it counts as a repeat, and which of the earlier
-- incident's action items were still open when it came back.
select
    later.url,
    later.summary,
    coalesce(later.severity, '(none)') as severity,
    later.service,
    r.created_at,
    earlier.url as earlier_url,
    earlier.summary as earlier_summary,
    r.days_between,
    replace(r.evidence, '_', ' ') as evidence,
    r.recurred_while_open,
    r.earlier_open_items,
    array_to_string(r.earlier_open_item_keys, ', ') as earlier_open_item_keys,
    count(*) over () as total_rows
from marts.repeats as r
join marts.incidents as later on later.issue_key = r.issue_key
join marts.incidents as earlier on earlier.issue_key = r.earlier_issue_key
where marts.in_selection($sel, later)
order by r.created_at desc, r.issue_key
limit $limit
