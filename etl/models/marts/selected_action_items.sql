-- materialize: macro
-- The dashboard's selection of action items: filed in [start_date, end_date), matching the
-- filters, in the state they were in at the period's end (or at the as-of time when the period
-- runs past it). Every page's action-item figures start here.
CREATE OR REPLACE MACRO marts.selected_action_items(start_date, end_date, severities, services, teams) AS TABLE
select *
from marts.action_items_at(least(end_date, (select as_of from staging.stg_as_of)))
where created_at >= start_date and created_at < end_date
  and marts.in_selection(severity, severities)
  and marts.in_selection(service, services)
  and marts.in_selection(team, teams);
