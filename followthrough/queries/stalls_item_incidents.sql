-- The incidents behind one item's cost of delay (marts.action_items.incidents_while_open): those
-- on its service after it was filed and up to its close or the as-of time. Newest first, at most
-- $limit of them with the total.
select
    n.url,
    n.summary,
    coalesce(n.severity, '(none)') as severity,
    n.created_at,
    n.hours_to_resolve,
    count(*) over () as total_rows
from marts.action_items as a
cross join marts.build_info as b
join marts.incidents as n
  on n.service = a.service
 and n.created_at > a.created_at
 and n.created_at <= coalesce(a.closed_at, b.as_of)
where a.issue_key = $item_key
order by n.created_at desc, n.issue_key
limit $limit
