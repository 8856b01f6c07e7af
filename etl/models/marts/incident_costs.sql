-- test: unique(issue_key)
-- test: relationships(issue_key, marts.incidents.issue_key)
-- What each incident weighs in a cost of delay. Without [cost_of_delay].impact_field it is its
-- severity's weight (no_severity_weight when it has none); with it, the customer impact the
-- incident records, named by impact_unit, and NULL where the incident records none: a weight
-- would then be added to minutes of downtime.
with

impacts as (
    select issue_id, try_cast(replace(value, ',', '') as double) as impact
    from staging.stg_issue_attributes
    where attribute = 'impact'
    qualify row_number() over (partition by issue_id order by position) = 1
),

measure as (
    select cost_of_delay_impact_field <> '' as uses_impact, cost_of_delay_impact_unit as impact_unit
    from config.settings
)

select
    n.issue_key,
    n.service,
    n.severity,
    n.created_at,
    w.weight,
    i.impact,
    case when m.uses_impact then i.impact else w.weight end as cost,
    case when m.uses_impact then m.impact_unit else 'severity-weighted incidents' end as cost_measure
from marts.incidents as n
cross join measure as m
left join config.severity_weights as w on w.severity is not distinct from n.severity
left join impacts as i using (issue_id)
