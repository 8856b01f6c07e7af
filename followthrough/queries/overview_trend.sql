-- Incidents per week or month ($grain) and severity. Weeks start on Monday, so the first and last
-- bucket can be partly outside the period.
select
    date_trunc($grain, created_at) as bucket,
    coalesce(severity, '(none)') as severity,
    count(*) as incidents
from marts.selected_incidents($sel)
group by all
order by bucket, severity
