-- The Kaplan-Meier curves of time to close ($group_by: 'class' or 'team'), read at the end of
-- each whole day: one point per group and day instead of one per item, so the chart stays small
-- however many items there are. Every curve starts at 100% still open on day 0. Only the $groups
-- groups with the most items get a curve: more lines than that cannot be told apart.
with

all_curves as (
    select * from marts.km_curve($start, $end, $severities, $services, $teams, $group_by)
),

curve as (
    select * from all_curves
    where grp in (select grp from all_curves group by grp order by max(at_risk) desc, grp limit $groups)
)

select grp, 0 as days, 1.0 as still_open, max(at_risk) as at_risk, 0 as closed
from curve
group by grp

union all

select grp, ceil(t) as days, min(survival) as still_open, max(at_risk) as at_risk, sum(closed) as closed
from curve
group by grp, ceil(t)

order by grp, days
