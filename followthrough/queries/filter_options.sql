-- What the sidebar can offer: the values present in the data (missing ones as "(none)"), one
-- column per filter dimension named after it, and the time span, with the as-of time that "now"
-- means on every page.
with

rows as (
    select severity, service, team, created_at from marts.incidents
    union all
    select severity, service, team, created_at from marts.action_items
)

select
    (select as_of from marts.build_info) as as_of,
    min(created_at) as first_filed_at,
    coalesce(list(distinct coalesce(severity, '(none)') order by coalesce(severity, '(none)')), []) as severity,
    coalesce(list(distinct coalesce(service, '(none)') order by coalesce(service, '(none)')), []) as service,
    coalesce(list(distinct coalesce(team, '(none)') order by coalesce(team, '(none)')), []) as team
from rows
