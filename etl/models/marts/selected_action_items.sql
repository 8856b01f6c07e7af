-- materialize: macro
-- The dashboard's selection of action items: filed in the selection's period, matching the
-- filters, in the state they were in at the period's end (or at the as-of time when the period
-- runs past it). Every page's action-item figures start here.
CREATE OR REPLACE MACRO marts.selected_action_items(sel) AS TABLE
select *
from marts.action_items_at(least(sel['end'], {{as_of}})) as item
where marts.in_selection(sel, item);
