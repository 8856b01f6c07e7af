-- materialize: incremental(seq, payload_md5) from issue_documents
-- Issue links as each parsed issue version shows them, kept between publishes; stg_issue_links
-- takes the versions in use.
with

links as (
    select d.seq, d.payload_md5, d.issue_id, d.issue_key, unnest(d.doc.fields.issuelinks) as link
    from issue_documents as d
    anti join {{this}} as kept using (seq, payload_md5)
)

select
    seq,
    payload_md5,
    issue_id,
    issue_key,
    link.id as link_id,
    link.type.name as link_type,
    link.type.inward as inward_name,
    link.type.outward as outward_name,
    case when link.inwardIssue is not null then 'inward' else 'outward' end as direction,
    coalesce(link.inwardIssue.key, link.outwardIssue.key) as other_issue_key
from links
where coalesce(link.inwardIssue.key, link.outwardIssue.key) is not null
