-- One row per changed field per changelog history. Histories come inline with the issue (capped
-- on Cloud; version_histories) and from the changelog endpoints; the same history can arrive both
-- ways, so they are de-duplicated by id.
with

inline_histories as (
    select h.issue_id, h.history_id, h.changed_at, h.author, h.items
    from version_histories as h
    semi join staging.stg_issues as i using (seq)
),

-- Histories fetched apart are mostly the ones the inline list left out; one that came both ways
-- is taken from the issue.
fetched_histories as (
    select c.issue_id, from_json(c.payload, jira_history_type()) as history
    from raw.raw_changelogs as c
    where c.issue_id in (select issue_id from staging.stg_issues)
      -- Of the loads a publish counts: a failed load's or another site's histories are not these issues'.
      and c.load_id in (select load_id from kept_loads)
    -- A history without an id cannot be matched to another; it is kept as it is.
    qualify c.payload ->> 'id' is null
         or row_number() over (partition by c.issue_id, c.payload ->> 'id' order by c.seq) = 1
),

histories as (
    select * from inline_histories
    union all
    select
        f.issue_id,
        f.history.id,
        jira_ts_any(f.history.created),
        coalesce(f.history.author.displayName, f.history.author.name),
        f.history.items
    from fetched_histories as f
    anti join inline_histories as i on i.issue_id = f.issue_id and i.history_id = f.history.id
),

items as (
    select issue_id, history_id, changed_at, author, unnest(items) as item
    from histories
)

select
    issue_id,
    history_id,
    changed_at,
    author,
    coalesce(item.fieldId, item.field) as field,
    item."from" as from_value,
    item.fromString as from_string,
    item."to" as to_value,
    item.toString as to_string
from items
