-- Median time to close and the share closed within 30, 60 and 90 days, per class or team.
select grp, items, closed, still_open, median_days, closed_within_30, closed_within_60, closed_within_90
from marts.km_summary($sel, $group_by)
order by items desc, grp
