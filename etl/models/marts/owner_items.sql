-- materialize: macro
-- The selection's action items by whom they are owed: `per` is 'owner' (the assignee, or "no
-- owner") or 'team' (or "(none)"), with the flags the owner and team tables count, so a figure
-- and the items it opens are one definition.
CREATE OR REPLACE MACRO marts.owner_items(sel, per) AS TABLE
select
    coalesce(case when per = 'team' then team else owner end, case when per = 'team' then '(none)' else 'no owner' end)
        as accountable,
    *,
    coalesce(is_overdue, false) as overdue,
    is_stalled and class = 'strategic' as strategic_stalled
from marts.selected_targets(sel);
