-- materialize: temp table
-- The latest live version of every issue, read from the raw store once. Reading the payloads is
-- most of a build's cost, so everything the later models need is taken in this one pass: the
-- scalar fields, the lists (labels, components, links, changelog histories) typed, and the
-- configured custom fields. Typing the lists here is what makes the later unnesting cheap.
-- Retired issues (deleted in Jira or no longer matched by the JQL) drop out unless fetched again
-- after they were retired.
with

versions as (
    select
        seq,
        load_id,
        fetched_at,
        coalesce(issue_id, issue_key, 'row ' || seq) as identity,
        issue_id,
        issue_key,
        jira_ts(issue_updated) as updated_at
    from issue_payloads
),

latest as (
    select *
    from versions
    qualify row_number() over (
        partition by identity order by updated_at desc nulls last, fetched_at desc, seq desc) = 1
),

live as (
    select latest.*
    from latest
    where not exists (
        select 1 from raw.retired_issues as r
        where r.issue_id = latest.issue_id and r.retired_at >= latest.fetched_at
          -- Of the loads a publish counts: another site's retirement is of another issue.
          and r.load_id in (select load_id from kept_loads))
)

select
    live.* exclude (identity),
    json_type(p.payload, ['$', '$.fields', '$.fields.labels']) as types,
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
from live
join issue_payloads as p using (seq)
