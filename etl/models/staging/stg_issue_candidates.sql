-- The latest live version of every issue, renamed and cast, with the reason when it cannot be
-- used.
with

typed as (
    select
        seq,
        load_id,
        fetched_at,
        issue_id,
        issue_key,
        doc.fields.issuetype.name as issue_type,
        coalesce(doc.fields.issuetype.subtask = 'true', false) as is_subtask,
        doc.fields.summary as summary,
        doc.fields.status.name as status,
        doc.fields.status.statusCategory.key as status_category,
        doc.fields.created as created_text,
        jira_ts(doc.fields.created) as created_at,
        updated_at,
        doc.fields.resolutiondate as resolved_text,
        jira_ts(doc.fields.resolutiondate) as resolved_at,
        doc.fields.resolution.name as resolution,
        try_cast(left(doc.fields.duedate, 10) as date) as due_date,
        coalesce(doc.fields.assignee.accountId, doc.fields.assignee.key, doc.fields.assignee.name) as assignee_id,
        doc.fields.assignee.displayName as assignee_name,
        doc.fields.priority.name as priority,
        coalesce(doc.fields.project.key, split_part(issue_key, '-', 1)) as project_key,
        doc.fields.parent.key as parent_key,
        try_cast(doc.changelog.total as integer) as changelog_total,
        -- A browse link works on Cloud and Data Center alike. It goes to the configured site,
        -- whatever the payload says: a crafted `self` (https://jira.example.com@evil.example/...)
        -- must not send a reader elsewhere. Without one, the site is what precedes /rest/ in
        -- `self`, if that is plain http(s): a host name or address, a port, a path, and nothing a
        -- browser reads as credentials or another host (no @, no backslash).
        coalesce(
            (select site_url from config.settings where regexp_full_match(site_url, 'https?://[^\s"<>]+'))
                || '/browse/' || issue_key,
            case when regexp_full_match(doc.self,
                     'https?://([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:[0-9]{1,5})?'
                     || '(/[A-Za-z0-9._~%!$&''()*+,;=:-]*)*?/rest/[^\s"<>\\]*')
                 then split_part(doc.self, '/rest/', 1) || '/browse/' || issue_key end) as url,
        coalesce(doc.fields.labels, []) as labels,
        coalesce([c.name for c in doc.fields.components], []) as components,
        types[1] as payload_type,
        types[2] as fields_type,
        types[3] as labels_type
    from issue_documents
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
            -- A day of slack for clocks; a resolution dated 2099 is a broken payload, not a fact.
            when resolved_at > fetched_at + interval 1 day
                then 'resolved after it was fetched: ' || left(resolved_text, 40)
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
