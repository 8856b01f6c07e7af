-- The Kaplan-Meier curve for the action items filed in [$sel['start'], $sel['end']), one point per whole day.
select days, still_open, at_risk
from marts.km_curve_daily($sel, 'all')
order by days
