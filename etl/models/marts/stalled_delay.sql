-- materialize: macro
-- The cost of delay of the selection's stalled items, one row per item and incident: each
-- incident on the item's service filed after the item and no later than its close (or the as-of
-- time while open), the incidents marts.action_items counts as incidents_while_open, with what
-- each weighs (marts.incident_costs).
CREATE OR REPLACE MACRO marts.stalled_delay(sel) AS TABLE
select
    i.issue_key as item_key,
    i.class,
    i.owner,
    i.team,
    i.service,
    n.issue_key as incident_key,
    n.severity as incident_severity,
    n.created_at as incident_at,
    n.cost,
    n.cost_measure
from marts.selected_targets(sel) as i
cross join staging.stg_as_of as a
join marts.incident_costs as n
  on n.service = i.service
 and n.created_at > i.created_at
 and n.created_at <= coalesce(i.closed_at, a.as_of)
where i.is_stalled;
