-- The Kaplan-Meier curve for the action items filed in [$start, $end): the share still open t
-- days after filing, with how many were at risk, read at the end of each whole day as
-- follow_km_curve.sql reads its curves: one point per day instead of one per item, so the chart
-- stays small however many items there are. It starts from everything open at day 0.
with

curve as (
    select * from marts.km_curve($start, $end, $severities, $services, $teams, 'all')
)

select 0 as days, 1.0 as still_open, max(at_risk) as at_risk
from curve

union all

select ceil(t) as days, min(survival) as still_open, max(at_risk) as at_risk
from curve
group by ceil(t)

order by days
