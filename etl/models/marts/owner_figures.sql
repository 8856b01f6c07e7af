-- materialize: macro
-- One row per owner (per = 'owner') or team (per = 'team') with an item open at the selection's
-- end: open, overdue, breached (open past target), stalled, strategic stalled, not handed over,
-- and the incidents their stalled items have cost (distinct: an incident two of their items
-- waited through counts once: marts.waited_incidents).
CREATE OR REPLACE MACRO marts.owner_figures(sel, per) AS TABLE
with

figures as (
    select
        accountable,
        count(*) filter (where is_open) as open,
        count(*) filter (where overdue) as overdue,
        count(*) filter (where is_breached) as breached,
        count(*) filter (where is_near_target) as near_target,
        count(*) filter (where is_stalled) as stalled,
        count(*) filter (where strategic_stalled) as strategic_stalled,
        count(*) filter (where not_handed_over) as not_handed_over
    from marts.owner_items(sel, per)
    group by all
    having count(*) filter (where is_open) > 0
),

cost as (
    select name as accountable, count(*) as stalled_cost_incidents
    from marts.waited_incidents(sel, per, false)
    group by all
)

select f.*, coalesce(c.stalled_cost_incidents, 0) as stalled_cost_incidents
from figures as f
left join cost as c using (accountable);
