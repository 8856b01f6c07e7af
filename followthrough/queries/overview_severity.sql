-- Incidents of one period by severity, a missing severity as "(none)" like the filter shows it.
select coalesce(severity, '(none)') as severity, count(*) as incidents
from marts.selected_incidents($start, $end, $severities, $services, $teams)
group by all
