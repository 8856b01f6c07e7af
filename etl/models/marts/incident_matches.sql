-- materialize: macro
-- What the Incident explorer's search finds: incidents of the selection whose key or summary
-- contains search_text (any case; an empty text matches all), open, resolved or both
-- (wanted_status 'open', 'resolved', 'all'), each with its action items counted. Its table
-- (followthrough/queries/explorer_search.sql) and its picker (explorer_picker.sql) read the same
-- matches from here.
CREATE OR REPLACE MACRO marts.incident_matches(sel, wanted_status, search_text) AS TABLE
with

matches as (
    select *
    from marts.selected_incidents(sel)
    where (wanted_status = 'all' or is_resolved = (wanted_status = 'resolved'))
      and (contains(lower(issue_key), lower(search_text))
           or contains(lower(coalesce(summary, '')), lower(search_text)))
),

items as (
    select incident_key, count(*) as action_items, count(*) filter (where is_open) as open_action_items
    from marts.action_item_states
    where incident_key in (select issue_key from matches)
    group by all
)

select m.*, coalesce(i.action_items, 0) as action_items, coalesce(i.open_action_items, 0) as open_action_items
from matches as m
left join items as i on i.incident_key = m.issue_key;
