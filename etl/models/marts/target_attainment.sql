-- materialize: macro
-- Target attainment of the selection by class and severity, with a total per class and overall
-- (class or severity NULL where a row totals over it; a missing severity is "(none)"). Attainment
-- is met / decided: an item is decided once it is done (met when by its target) or open past its
-- target (missed), so no open item is guessed either way.
CREATE OR REPLACE MACRO marts.target_attainment(sel) AS TABLE
select
    case when grouping(class) = 0 then class end as class,
    case when grouping(severity_shown) = 0 then severity_shown end as severity,
    grouping(class) + grouping(severity_shown) as total_level,
    count(*) as items,
    count(*) filter (where target_days is null) as without_target,
    count(*) filter (where not is_open and outcome = 'dropped') as dropped,
    count(met_target) as decided,
    count(*) filter (where met_target) as met,
    count(*) filter (where not met_target) as missed,
    count(*) filter (where is_breached) as breached,
    count(*) filter (where is_near_target) as near_target,
    count(*) filter (where met_target) / nullif(count(met_target), 0) as attainment
from (select *, coalesce(severity, '(none)') as severity_shown from marts.selected_targets(sel))
group by grouping sets ((class, severity_shown), (class), ());
