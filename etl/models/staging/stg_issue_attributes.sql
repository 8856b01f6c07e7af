-- The configured dimensions (severity, service, team, class, epic) of every issue, one row per
-- value, in the order Jira lists them: those of the versions in use, from version_attributes.
select a.issue_id, a.attribute, a.value, a.position
from version_attributes as a
semi join staging.stg_issues as i using (seq)
