-- Incidents per week or month ($grain) and severity. Weeks start on Monday, so the first and last
-- bucket can be partly outside the period.
select
    date_trunc($grain, created_at) as bucket,
    coalesce(severity, '(none)') as severity,
    count(*) as incidents
from marts.incidents
where created_at >= $start and created_at < $end
  and marts.in_selection(severity, $severities)
  and marts.in_selection(service, $services)
  and marts.in_selection(team, $teams)
group by all
order by bucket, severity
