-- What the configuration does not cover in the data, so the Data health page can say what to fix
-- instead of the charts quietly leaving things out.
with

-- issue_documents.field_values holds the configured fields in attribute order, NULL where absent.
configured_fields as (
    select attribute, field_id, row_number() over (order by attribute) as position
    from config.field_sources
    where source = 'field'
),

fields_seen as (
    select f.attribute, f.field_id, count(d.field_values[f.position]) as issues
    from configured_fields as f
    cross join issue_documents as d
    group by all
)

select 'severity value not in [severity_map]' as problem, severity_raw as value, count(*) as issues
from marts.incidents
where severity is null and severity_raw is not null
group by all

union all
select 'incident without severity', null, count(*)
from marts.incidents where severity_raw is null
having count(*) > 0

union all
select 'incident without service', null, count(*)
from marts.incidents where service is null
having count(*) > 0

union all
select 'action item tied to no incident', null, count(*)
from marts.action_items where incident_key is null
having count(*) > 0

union all
select 'action item matches no class rule', null, count(*)
from marts.action_items where class = 'unclassified'
having count(*) > 0

-- Without a history an item looks as if it sat in its current status since it was created,
-- which can make it look stalled.
union all
select 'action item without a changelog', null, count(*)
from marts.issues where kind = 'action_item' and not has_changelog
having count(*) > 0

union all
select 'status with no known category', status, count(distinct issue_id)
from marts.status_periods where status_category = 'unknown'
group by all

union all
select 'configured field found on no issue', attribute || ' = ' || field_id, 0
from fields_seen where issues = 0
