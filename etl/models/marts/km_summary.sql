-- materialize: macro
-- The curves of marts.km_curve read off at the points people ask about. Time to close (done or
-- dropped): the Kaplan-Meier median, the first duration where at most half are still open (NULL
-- while more than half are open, shown as "not reached"), and the shares closed within 30, 60 and
-- 90 days. Time to done, with dropping as a competing outcome (Aalen-Johansen): the median, the
-- first duration where the share done reaches one half (NULL if it never does), and the shares
-- done within 30, 60 and 90 days. A share within n days is NULL when no item has been followed
-- that long yet, since the curves say nothing beyond their longest follow-up.
CREATE OR REPLACE MACRO marts.km_summary(sel, group_by) AS TABLE
select
    grp,
    -- BIGINT: sums of counts are HUGEINT, which reach pandas as floats.
    max(at_risk)::bigint as items,
    sum(closed)::bigint as closed,
    sum(done)::bigint as done,
    sum(dropped)::bigint as dropped,
    sum(censored)::bigint as still_open,
    min(t) filter (where survival <= 0.5) as median_days,
    case when max(t) >= 30 then 1 - coalesce(min(survival) filter (where t <= 30), 1) end as closed_within_30,
    case when max(t) >= 60 then 1 - coalesce(min(survival) filter (where t <= 60), 1) end as closed_within_60,
    case when max(t) >= 90 then 1 - coalesce(min(survival) filter (where t <= 90), 1) end as closed_within_90,
    min(t) filter (where done_share >= 0.5) as median_days_to_done,
    case when max(t) >= 30 then coalesce(max(done_share) filter (where t <= 30), 0) end as done_within_30,
    case when max(t) >= 60 then coalesce(max(done_share) filter (where t <= 60), 0) end as done_within_60,
    case when max(t) >= 90 then coalesce(max(done_share) filter (where t <= 90), 0) end as done_within_90
from marts.km_curve(sel, group_by)
group by grp
