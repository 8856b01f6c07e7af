-- One row per changed field per changelog history. Histories come inline with the issue (capped
-- on Cloud) and from the changelog endpoints; the same history can arrive both ways, so they are
-- de-duplicated by id.
with

inline_histories as (
    select d.issue_id, unnest(json_extract(d.doc.changelog.histories, '$[*]')) as history, 0 as preference
    from issue_documents as d
    semi join staging.stg_issues as i using (seq)
),

fetched_histories as (
    select c.issue_id, c.payload as history, 1 as preference
    from raw.raw_changelogs as c
    where c.issue_id in (select issue_id from staging.stg_issues)
),

histories as (
    select issue_id, history ->> 'id' as history_id, history
    from (select * from inline_histories union all select * from fetched_histories)
    qualify row_number() over (partition by issue_id, history_id order by preference) = 1
),

items as (
    select
        issue_id,
        history_id,
        jira_ts_any(history -> 'created') as changed_at,
        coalesce(history ->> '$.author.displayName', history ->> '$.author.name') as author,
        unnest(json_extract(history, '$.items[*]')) as item
    from histories
)

select
    issue_id,
    history_id,
    changed_at,
    author,
    coalesce(item ->> 'fieldId', item ->> 'field') as field,
    item ->> 'from' as from_value,
    item ->> 'fromString' as from_string,
    item ->> 'to' as to_value,
    item ->> 'toString' as to_string
from items
