-- The cost of delay of the selection's stalled strategic items per $level ('service' or 'team'),
-- costliest first (marts.delay_totals).
select *
from marts.delay_totals($sel)
where level = $level
order by cost desc, incidents desc, name
