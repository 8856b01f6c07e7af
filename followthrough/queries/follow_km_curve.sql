-- The Kaplan-Meier curves of time to close ($group_by: 'class' or 'team'), one point per group
-- and whole day. Only the $groups groups with the most items get a curve: more lines than that
-- cannot be told apart.
with

curves as (
    select * from marts.km_curve_daily($sel, $group_by)
)

select grp, days, still_open, at_risk, closed
from curves
where grp in (select grp from curves group by grp order by max(at_risk) desc, grp limit $groups)
order by grp, days
