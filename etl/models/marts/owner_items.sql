-- materialize: macro
-- The selection's action items by whom they are owed (marts.accountable: per = 'owner' or
-- 'team'), with the flags the owner and team tables count, so a figure and the items it opens are
-- one definition.
CREATE OR REPLACE MACRO marts.owner_items(sel, per) AS TABLE
select
    marts.accountable(per, owner, team) as accountable,
    *,
    coalesce(is_overdue, false) as overdue,
    is_stalled and class = 'strategic' as strategic_stalled
from marts.selected_targets(sel);
