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

-- Lists are unnested in the select list, position beside value (generate_subscripts): a lateral
-- unnest joined each list back to its row, which cost more than the parsing it follows.
from_components as (
    select d.seq, d.payload_md5, d.issue_id, s.attribute,
           unnest(d.components) as value, generate_subscripts(d.components, 1) as position
    from new_documents as d
    join config.field_sources as s on s.source = 'components'
),

from_labels as (
    select seq, payload_md5, issue_id, attribute, substr(label, length(prefix) + 1) as value, position
    from (
        select d.seq, d.payload_md5, d.issue_id, s.attribute, s.prefix,
               unnest(d.labels) as label, generate_subscripts(d.labels, 1) as position
        from new_documents as d
        join config.field_sources as s on s.source = 'labels'
    )
    where starts_with(label, prefix)
),

-- issue_documents.field_values holds the configured fields in attribute order.
field_positions as (
    select attribute, row_number() over (order by attribute) as position
    from config.field_sources
    where source = 'field'
),

-- Select lists are {"value": ...}, users {"displayName": ...}, versions {"name": ...}, multi-value
-- fields arrays of those, text fields plain strings.
field_elements as (
    select d.seq, d.payload_md5, d.issue_id, s.attribute,
           case when json_type(d.field_values[s.position]) = 'ARRAY'
                then json_extract(d.field_values[s.position], '$[*]')
                else [d.field_values[s.position]] end as elements
    from new_documents as d
    cross join field_positions as s
    where d.field_values[s.position] is not null and json_type(d.field_values[s.position]) <> 'NULL'
),

from_fields as (
    select
        seq,
        payload_md5,
        issue_id,
        attribute,
        case when json_type(element) = 'OBJECT'
             then coalesce(element ->> 'value', element ->> 'name', element ->> 'displayName', element ->> 'key')
             else element ->> '$' end as value,
        position
    from (select *, unnest(elements) as element, generate_subscripts(elements, 1) as position from field_elements)
)

select seq, payload_md5, issue_id, attribute, trim(value) as value, position
from (
    select * from from_priority
    union all select * from from_components
    union all select * from from_labels
    union all select * from from_fields
)
where nullif(trim(value), '') is not null
