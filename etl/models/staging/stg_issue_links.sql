-- Issue links as the issue holding them shows them. Jira lists a link on both issues, so each
-- link usually appears twice, once per direction.
select l.* exclude (seq, payload_md5)
from version_links as l
semi join staging.stg_issues as i using (seq)
