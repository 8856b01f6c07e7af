-- The Kaplan-Meier curve for the action items filed in [$start, $end), one point per whole day.
select days, still_open, at_risk
from marts.km_curve_daily($start, $end, $severities, $services, $teams, 'all')
order by days
