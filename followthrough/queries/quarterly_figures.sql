-- The quarterly review's headline figures for one quarter [$sel['start'], $sel['end']); the page runs it for
-- the chosen quarter and the one before. Defined in marts.period_figures, shared with the Overview.
select
    * exclude (resolved_incidents, items_open, items_overdue, strategic_stalled),
    resolved_incidents as resolved,
    items_open as items_open_at_end,
    items_overdue as items_overdue_at_end,
    strategic_stalled as strategic_stalled_at_end
from marts.period_figures($sel)
