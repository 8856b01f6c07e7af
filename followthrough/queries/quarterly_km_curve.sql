-- The Kaplan-Meier curve for the action items filed in [$start, $end): the share still open t
-- days after filing, with how many were at risk, starting from everything open at day 0.
select 0.0 as days, 1.0 as still_open, null::bigint as at_risk
union all
select t, survival, at_risk
from marts.km_curve($start, $end, $severities, $services, $teams, 'all')
order by days
