-- materialize: macro
-- The dashboard's selection of incidents: filed in the selection's period and matching the
-- severity, service and team filters. Every page's incident figures start here.
CREATE OR REPLACE MACRO marts.selected_incidents(sel) AS TABLE
select *
from marts.incidents
where marts.in_selection(sel, incidents);
