-- The share of the quarter's action items done by each whole day since filed (Aalen-Johansen,
-- dropping a competing outcome), as the quarter's "done within" figures read it.
select days, done_share, at_risk
from marts.km_curve_daily($sel, 'all')
order by days
