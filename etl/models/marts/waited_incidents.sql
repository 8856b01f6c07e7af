-- materialize: macro
-- The distinct incidents the selection's stalled items waited through, per owner, team or service
-- (per = 'owner' | 'team' | 'service', named as marts.accountable names them), of strategic items
-- only when strategic_only: each incident marts.stalled_delay pairs with one of a name's items,
-- once however many of them waited through it, with what it weighs (marts.incident_costs).
--
-- The same incidents as distinct rows of marts.stalled_delay, found without pairing every item
-- with every incident: a name's waits on one service are merged where they overlap, so that an
-- incident falls in at most one of them. At 1,000,000 issues a year's stalled items make 11.5
-- million item-incident pairs but 1.5 million distinct owner-incident ones.
CREATE OR REPLACE MACRO marts.waited_incidents(sel, per, strategic_only) AS TABLE
with

-- Each wait is (opened, closed]: the incidents after the item was filed, up to its close.
waits as (
    select
        case when per = 'service' then coalesce(i.service, '(none)')
             else marts.accountable(per, i.owner, i.team) end as name,
        i.service,
        i.created_at as opened,
        coalesce(i.closed_at, a.as_of) as closed
    from marts.selected_targets(sel) as i
    cross join staging.stg_as_of as a
    where i.is_stalled and i.service is not null and (i.class = 'strategic' or not strategic_only)
),

-- A wait that opens at or after every earlier one of its name and service has closed starts a
-- new stretch; the others extend the stretch they overlap.
marked as (
    select *,
           coalesce(opened >= max(closed) over (partition by name, service order by opened, closed
                                                rows between unbounded preceding and 1 preceding), true)
               as starts_stretch
    from waits
),

stretches as (
    select name, service, min(opened) as opened, max(closed) as closed
    from (select *, sum(starts_stretch::int) over (partition by name, service order by opened, closed
                                                  rows between unbounded preceding and current row) as stretch
          from marked)
    group by name, service, stretch
)

select s.name, n.issue_key as incident_key, n.cost, n.cost_measure
from stretches as s
join marts.incident_costs as n
  on n.service = s.service
 and n.created_at > s.opened
 and n.created_at <= s.closed;
