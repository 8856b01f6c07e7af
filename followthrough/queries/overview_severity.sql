-- Incidents of one period by severity, a missing severity as "(none)" like the filter shows it.
select coalesce(severity, '(none)') as severity, count(*) as incidents
from marts.incidents
where created_at >= $start and created_at < $end
  and marts.in_selection(severity, $severities)
  and marts.in_selection(service, $services)
  and marts.in_selection(team, $teams)
group by all
