-- One row per owner or team ($per) with an open item at the period's end, the most breached first
-- (marts.owner_figures).
select *
from marts.owner_figures($sel, $per)
order by breached desc, overdue desc, open desc, accountable
