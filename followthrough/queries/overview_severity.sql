-- Incidents of one period by severity, a missing severity as "(none)" like the filter shows it.
select coalesce(severity, '(none)') as severity, count(*) as incidents
from marts.selected_incidents($sel)
group by all
