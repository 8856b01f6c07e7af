-- Strategic action items filed in the period, as they stood at its end: open, stalled (and of
-- those never started), open without an owner.
select
    count(*) as items,
    count(*) filter (where is_open) as open_items,
    count(*) filter (where is_stalled) as stalled,
    count(*) filter (where is_stalled and never_started) as never_started,
    count(*) filter (where is_open and owner is null) as unowned,
    any_value(stall_threshold_days) as threshold_days
from marts.selected_action_items($sel)
where class = 'strategic'
