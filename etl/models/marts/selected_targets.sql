-- materialize: macro
-- The dashboard's selection of action items held to their targets: filed in the selection's
-- period, matching the filters, as they stood at the period's end (or at the as-of time when the
-- period runs past it). Every target, owner, hand-over and risk figure starts here.
CREATE OR REPLACE MACRO marts.selected_targets(sel) AS TABLE
select *
from marts.targets_at(least(sel['end'], {{as_of}})) as item
where marts.in_selection(sel, item);
