-- Per class or team: items done and dropped (followed up to the as-of time), the median time to
-- done and the shares done within 30, 60 and 90 days (Aalen-Johansen, dropping competing).
select grp, items, done, dropped, still_open, median_days_to_done, done_within_30, done_within_60, done_within_90
from marts.km_summary($sel, $group_by)
order by items desc, grp
