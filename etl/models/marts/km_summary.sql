-- materialize: macro
-- The Kaplan-Meier curve read off at the points people ask about: the median time to close (the
-- first duration where at most half are still open; NULL while more than half are open, shown as
-- "not reached") and the share closed within 30, 60 and 90 days: NULL when no item has been
-- followed that long yet, since the curve says nothing beyond its longest follow-up.
CREATE OR REPLACE MACRO marts.km_summary(sel, group_by) AS TABLE
select
    grp,
    -- BIGINT: sums of counts are HUGEINT, which reach pandas as floats.
    max(at_risk)::bigint as items,
    sum(closed)::bigint as closed,
    sum(censored)::bigint as still_open,
    min(t) filter (where survival <= 0.5) as median_days,
    case when max(t) >= 30 then 1 - coalesce(min(survival) filter (where t <= 30), 1) end as closed_within_30,
    case when max(t) >= 60 then 1 - coalesce(min(survival) filter (where t <= 60), 1) end as closed_within_60,
    case when max(t) >= 90 then 1 - coalesce(min(survival) filter (where t <= 90), 1) end as closed_within_90
from marts.km_curve(sel, group_by)
group by grp
