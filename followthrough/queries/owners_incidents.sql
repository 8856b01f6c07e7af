-- The incidents one owner's or team's stalled items have cost ($per, $who): each once, with the
-- items that waited through it (marts.stalled_delay); newest first, at most $limit with the total.
with

waited as (
    select
        marts.accountable($per, owner, team) as accountable,
        incident_key,
        item_key
    from marts.stalled_delay($sel)
)

select
    n.url,
    n.summary,
    coalesce(n.severity, '(none)') as severity,
    n.service,
    n.created_at,
    string_agg(w.item_key, ', ' order by w.item_key) as waiting_items,
    count(*) over () as total_rows
from waited as w
join marts.incidents as n on n.issue_key = w.incident_key
where w.accountable = $who
group by all
order by n.created_at desc, n.url
limit $limit
