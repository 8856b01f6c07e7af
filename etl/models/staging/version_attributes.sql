-- materialize: incremental(seq, payload_md5) from issue_documents
-- The configured dimensions (severity, service, team, class, epic) of every parsed issue version,
-- one row per value, in the order Jira lists them. Where each comes from is data in
-- config.field_sources. Kept between publishes, as picking values out of JSON is what this costs;
-- stg_issue_attributes takes the versions in use.
with

-- Only the columns read: the four uses below would otherwise share a copy of whole documents.
new_documents as (
    select
        d.seq,
        d.payload_md5,
        d.issue_id,
        d.doc.fields.priority.name as priority,
        coalesce([c.name for c in d.doc.fields.components], []) as components,
        coalesce(d.doc.fields.labels, []) as labels,
        d.field_values
    from issue_documents as d
    anti join {{this}} as kept using (seq, payload_md5)
),

from_priority as (
    select d.seq, d.payload_md5, d.issue_id, s.attribute, d.priority as value, 1 as position
    from new_documents as d
    join config.field_sources as s on s.source = 'priority'
),

from_components as (
    select d.seq, d.payload_md5, d.issue_id, s.attribute, c.value, c.position
    from new_documents as d
    join config.field_sources as s on s.source = 'components'
    cross join unnest(d.components) with ordinality as c(value, position)
),

from_labels as (
    select d.seq, d.payload_md5, d.issue_id, s.attribute, substr(l.label, length(s.prefix) + 1) as value, l.position
    from new_documents as d
    join config.field_sources as s on s.source = 'labels'
    cross join unnest(d.labels) with ordinality as l(label, position)
    where starts_with(l.label, s.prefix)
),

-- issue_documents.field_values holds the configured fields in attribute order.
field_positions as (
    select attribute, row_number() over (order by attribute) as position
    from config.field_sources
    where source = 'field'
),

field_json as (
    select d.seq, d.payload_md5, d.issue_id, s.attribute, d.field_values[s.position] as value_json
    from new_documents as d
    cross join field_positions as s
),

-- Select lists are {"value": ...}, users {"displayName": ...}, versions {"name": ...}, multi-value
-- fields arrays of those, text fields plain strings.
from_fields as (
    select
        seq,
        payload_md5,
        issue_id,
        attribute,
        case when json_type(e.element) = 'OBJECT'
             then coalesce(e.element ->> 'value', e.element ->> 'name',
                           e.element ->> 'displayName', e.element ->> 'key')
             else e.element ->> '$' end as value,
        e.position
    from field_json
    cross join unnest(case when json_type(value_json) = 'ARRAY' then json_extract(value_json, '$[*]')
                           else [value_json] end) with ordinality as e(element, position)
    where value_json is not null and json_type(value_json) <> 'NULL'
)

select seq, payload_md5, issue_id, attribute, trim(value) as value, position
from (
    select * from from_priority
    union all select * from from_components
    union all select * from from_labels
    union all select * from from_fields
)
where nullif(trim(value), '') is not null
