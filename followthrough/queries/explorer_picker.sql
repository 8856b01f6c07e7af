-- The Incident explorer's picker: every incident its search finds (marts.incident_matches, with the
-- parameters of explorer_search.sql), in the table's order, and whether it has action items. Keys
-- alone: the picker offers every match, the table only the first ones.
select issue_key, action_items > 0 as has_action_items
from marts.incident_matches($sel, $status, $text)
order by created_at desc, issue_key
