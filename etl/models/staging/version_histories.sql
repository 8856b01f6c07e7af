-- materialize: incremental(seq, payload_md5) from issue_documents
-- The changelog histories that came inline with each parsed issue version, kept between
-- publishes; stg_changelog_items takes the versions in use and adds the histories fetched apart.
with

histories as (
    select d.seq, d.payload_md5, d.issue_id, unnest(d.doc.changelog.histories) as history
    from issue_documents as d
    anti join {{this}} as kept using (seq, payload_md5)
)

select
    seq,
    payload_md5,
    issue_id,
    history.id as history_id,
    jira_ts_any(history.created) as changed_at,
    coalesce(history.author.displayName, history.author.name) as author,
    history.items
from histories
