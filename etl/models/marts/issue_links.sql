-- Issue links seen from the issue that holds them.
select issue_key, link_type, direction, other_issue_key, inward_name, outward_name, link_id
from staging.stg_issue_links
