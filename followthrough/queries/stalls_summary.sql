-- Strategic action items filed in the period, as they stood at its end: open, stalled (and of
-- those never started), open without an owner.
select
    count(*) as items,
    count(*) filter (where is_open) as open_items,
    count(*) filter (where is_stalled) as stalled,
    count(*) filter (where is_stalled and never_started) as never_started,
    count(*) filter (where is_open and owner is null) as unowned,
    any_value(stall_threshold_days) as threshold_days
from marts.action_items_at(least($end, (select as_of from marts.build_info)))
where class = 'strategic'
  and created_at >= $start and created_at < $end
  and marts.in_selection(severity, $severities)
  and marts.in_selection(service, $services)
  and marts.in_selection(team, $teams)
