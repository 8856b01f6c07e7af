-- materialize: macro
-- The dashboard's selection of incidents: filed in [start_date, end_date) and matching the
-- severity, service and team filters. Every page's incident figures start here.
CREATE OR REPLACE MACRO marts.selected_incidents(start_date, end_date, severities, services, teams) AS TABLE
select *
from marts.incidents
where created_at >= start_date and created_at < end_date
  and marts.in_selection(severity, severities)
  and marts.in_selection(service, services)
  and marts.in_selection(team, teams);
