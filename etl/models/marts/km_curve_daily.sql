-- materialize: macro
-- marts.km_curve read at the end of each whole day, for charts: one point per group and day
-- instead of one per distinct duration (about one per item), so a chart stays small however many
-- items there are. Every curve starts at 100% still open (none done or dropped) on day 0; at_risk is the number open at
-- the start of the day, closed the number that closed during it.
CREATE OR REPLACE MACRO marts.km_curve_daily(sel, group_by) AS TABLE
with

curve as (
    select * from marts.km_curve(sel, group_by)
)

select grp, 0 as days, 1.0 as still_open, 0.0 as done_share, 0.0 as dropped_share, max(at_risk) as at_risk,
       0 as closed
from curve
group by grp

union all

select grp, ceil(t) as days, min(survival) as still_open, max(done_share) as done_share,
       max(dropped_share) as dropped_share, max(at_risk) as at_risk, sum(closed) as closed
from curve
group by grp, ceil(t);
