-- The latest stored version of every issue, renamed and cast, with the reason when it cannot be
-- used. Retired issues (deleted in Jira or no longer matched by the JQL) drop out unless fetched
-- again after they were retired.
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
        where r.issue_id = latest.issue_id and r.retired_at >= latest.fetched_at)
),

extracted as (
    select
        live.*,
        json_type(r.payload) as payload_type,
        json_type(r.payload, '$.fields') as fields_type,
        json_type(r.payload, '$.fields.labels') as labels_type,
        json_extract_string(r.payload, [
            '$.fields.issuetype.name', '$.fields.issuetype.subtask', '$.fields.summary',
            '$.fields.status.name', '$.fields.status.statusCategory.key', '$.fields.created',
            '$.fields.resolutiondate', '$.fields.resolution.name', '$.fields.duedate',
            '$.fields.assignee.accountId', '$.fields.assignee.key', '$.fields.assignee.name',
            '$.fields.assignee.displayName', '$.fields.priority.name', '$.fields.project.key',
            '$.fields.parent.key', '$.changelog.total', '$.self'
        ]) as v,
        json_extract_string(r.payload, '$.fields.labels[*]') as labels,
        json_extract_string(r.payload, '$.fields.components[*].name') as components
    from live
    join issue_payloads as r using (seq)
),

typed as (
    select
        seq,
        load_id,
        fetched_at,
        issue_id,
        issue_key,
        split_part(issue_key, '-', 1) as key_project,
        v[1] as issue_type,
        coalesce(v[2] = 'true', false) as is_subtask,
        v[3] as summary,
        v[4] as status,
        v[5] as status_category,
        v[6] as created_text,
        jira_ts(v[6]) as created_at,
        updated_at,
        v[7] as resolved_text,
        jira_ts(v[7]) as resolved_at,
        v[8] as resolution,
        try_cast(left(v[9], 10) as date) as due_date,
        coalesce(v[10], v[11], v[12]) as assignee_id,
        v[13] as assignee_name,
        v[14] as priority,
        coalesce(v[15], split_part(issue_key, '-', 1)) as project_key,
        v[16] as parent_key,
        try_cast(v[17] as integer) as changelog_total,
        -- A browse link works on Cloud and Data Center alike: the site is what precedes /rest/.
        case when v[18] like '%/rest/%'
             then split_part(v[18], '/rest/', 1) || '/browse/' || issue_key end as url,
        coalesce(labels, []) as labels,
        coalesce(components, []) as components,
        payload_type,
        fields_type,
        labels_type
    from extracted
),

checked as (
    select
        * exclude (payload_type, fields_type, labels_type, created_text, resolved_text),
        case
            when payload_type <> 'OBJECT' then 'payload is not a JSON object'
            when issue_key is null then 'missing key'
            when not regexp_full_match(issue_key, '[A-Za-z][A-Za-z0-9_]*-[0-9]+')
                then 'key is not an issue key: ' || left(issue_key, 40)
            when issue_id is null then 'missing id'
            when fields_type is distinct from 'OBJECT' then 'missing fields'
            when created_text is null then 'missing fields.created'
            when created_at is null then 'fields.created is not a timestamp: ' || left(created_text, 40)
            when created_at > (select as_of from staging.stg_as_of) + interval 1 day
                then 'created after the as-of time: ' || left(created_text, 40)
            when resolved_text is not null and resolved_at is null
                then 'fields.resolutiondate is not a timestamp: ' || left(resolved_text, 40)
            when labels_type is not null and labels_type not in ('ARRAY', 'NULL')
                then 'fields.labels is not a list'
            when status is null then 'missing fields.status'
            when resolved_at < created_at then 'resolved before it was created'
        end as reject_reason
    from typed
),

-- Two issue ids claiming one key (an import mixing sites, a moved issue) would make every join
-- on the key ambiguous; the most recently updated keeps it.
key_owners as (
    select issue_key, issue_id as owner_id
    from checked
    where reject_reason is null
    qualify row_number() over (partition by issue_key order by updated_at desc nulls last, seq desc) = 1
)

select
    c.* exclude (reject_reason),
    coalesce(c.reject_reason,
             case when k.owner_id <> c.issue_id
                  then 'key ' || c.issue_key || ' is also used by issue id ' || k.owner_id || ', updated later' end
    ) as reject_reason
from checked as c
left join key_owners as k using (issue_key)
