-- Issue links as the issue holding them shows them. Jira lists a link on both issues, so each
-- link usually appears twice, once per direction.
with

links as (
    select d.issue_id, d.issue_key, unnest(d.doc.fields.issuelinks) as link
    from issue_documents as d
    semi join staging.stg_issues as i using (seq)
)

select
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
