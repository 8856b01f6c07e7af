-- materialize: macro
-- The distinct incidents the selection's stalled items waited through, per owner, team or service
-- (per = 'owner' | 'team' | 'service', named as marts.accountable names them), of strategic items
-- only when strategic_only: each incident marts.stalled_delay pairs with one of a name's items,
-- once however many of them waited through it, with what it weighs (marts.incident_costs).
--
-- The same incidents as the distinct rows of marts.stalled_delay, found without pairing every
-- item with every incident. An item waits from its filing to its close, (filed, closed], and a
-- stalled item is open at the selection's moment: filed by then and closed after it, if at all.
-- So a name's waits on one service all reach that moment, and together they are one wait, from
-- the earliest filing to the latest close. At 1,000,000 issues a year's stalled items make 11.5
-- million item-incident pairs but 1.5 million distinct owner-incident ones.
CREATE OR REPLACE MACRO marts.waited_incidents(sel, per, strategic_only) AS TABLE
with

waits as (
    select
        case when per = 'service' then coalesce(i.service, '(none)')
             else marts.accountable(per, i.owner, i.team) end as name,
        i.service,
        min(i.created_at) as opened,
        max(coalesce(i.closed_at, a.as_of)) as closed
    from marts.selected_targets(sel) as i
    cross join staging.stg_as_of as a
    where i.is_stalled and i.service is not null and (i.class = 'strategic' or not strategic_only)
    group by all
)

select w.name, n.issue_key as incident_key, n.cost, n.cost_measure
from waits as w
join marts.incident_costs as n
  on n.service = w.service
 and n.created_at > w.opened
 and n.created_at <= w.closed;
