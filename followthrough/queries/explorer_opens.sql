-- For issue keys a page shows, the incident the Incident explorer opens for each: an incident
-- itself, an action item the incident it was filed for; NULL for an item tied to no incident or
-- a key that is neither. $keys is one text, a key per line.
select k.issue_key, coalesce(i.issue_key, a.incident_key) as incident_key
from unnest(string_split($keys, chr(10))) as k(issue_key)
left join marts.incidents as i on i.issue_key = k.issue_key
left join marts.action_item_states as a on a.issue_key = k.issue_key
