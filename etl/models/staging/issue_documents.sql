-- materialize: incremental(seq, payload_md5) from issue_versions
-- The latest live version of every issue (issue_versions), parsed once: reading the payloads is
-- most of a build's cost, so a version parsed by an earlier publish is kept in the parse cache and
-- only the payloads of new versions are read here. Everything the later models need is taken in
-- this one pass: the scalar fields, the lists (labels, components, links, changelog histories)
-- typed, and the configured custom fields. Typing the lists here is what makes the later
-- unnesting cheap.
select
    * exclude (payload),
    -- Which JSON types the payload, its fields and their labels are, for stg_issue_candidates to
    -- refuse what is not an issue. from_json gives a list only from an array, and a struct whose
    -- members are set only from an object, so labels read as a list mean an object, an object and
    -- an array: only the other payloads are read again (json_type was a fifth of the parsing).
    case when doc.fields.labels is not null then ['OBJECT', 'OBJECT', 'ARRAY']
         else json_type(payload, ['$', '$.fields', '$.fields.labels']) end as types
from (
select
    v.*,
    p.payload,
    from_json(p.payload, '{
        "self": "VARCHAR",
        "fields": {
            "summary": "VARCHAR", "issuetype": {"name": "VARCHAR", "subtask": "VARCHAR"},
            "status": {"name": "VARCHAR", "statusCategory": {"key": "VARCHAR"}},
            "created": "VARCHAR", "resolutiondate": "VARCHAR", "resolution": {"name": "VARCHAR"},
            "duedate": "VARCHAR", "priority": {"name": "VARCHAR"}, "project": {"key": "VARCHAR"},
            "parent": {"key": "VARCHAR"},
            "assignee": {"accountId": "VARCHAR", "key": "VARCHAR", "name": "VARCHAR", "displayName": "VARCHAR"},
            "labels": ["VARCHAR"], "components": [{"name": "VARCHAR"}],
            "issuelinks": [{"id": "VARCHAR", "type": {"name": "VARCHAR", "inward": "VARCHAR", "outward": "VARCHAR"},
                            "inwardIssue": {"key": "VARCHAR"}, "outwardIssue": {"key": "VARCHAR"}}]
        },
        "changelog": {"total": "VARCHAR", "histories": [' || jira_history_type() || ']}
    }') as doc,
    -- One JSON value per configured custom field, in config.field_sources order; SQL NULL where
    -- the issue does not have the field at all.
    json_extract(p.payload, {{field_paths}}) as field_values
from {{new}} as v
join issue_payloads as p using (seq)
)
