-- materialize: macro
-- The cost of delay of the selection's stalled strategic items, per service and per team: the
-- distinct incidents their services had while they waited (an incident two items waited through
-- counts once: marts.waited_incidents) and what those weigh. Incidents without a recorded impact,
-- where impact is what is weighed, are counted apart.
CREATE OR REPLACE MACRO marts.delay_totals(sel) AS TABLE
with

waited as (
    select 'service' as level, * from marts.waited_incidents(sel, 'service', true)
    union all
    select 'team', * from marts.waited_incidents(sel, 'team', true)
),

items as (
    select level, coalesce(case when level = 'service' then service else team end, '(none)') as name,
           count(*) as stalled_items
    from marts.selected_targets(sel)
    cross join (values ('service'), ('team')) as l(level)
    where class = 'strategic' and is_stalled
    group by all
)

select
    i.level,
    i.name,
    i.stalled_items,
    count(w.incident_key) as incidents,
    coalesce(sum(w.cost), 0) as cost,
    count(w.incident_key) filter (where w.cost is null) as incidents_without_cost,
    (select any_value(cost_measure) from marts.incident_costs) as cost_measure
from items as i
left join waited as w using (level, name)
group by all;
