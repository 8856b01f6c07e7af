-- Per team and class: marts.km_summary by class, once per team (the selection narrowed to that
-- team): items done and dropped, the median time to done and the shares done within 30, 60 and 90 days.
with

teams as (
    select distinct coalesce(team, '(none)') as team
    from marts.action_item_states
    where marts.in_selection($sel, action_item_states)
)

select t.team, s.grp, s.items, s.done, s.dropped, s.still_open, s.median_days_to_done,
       s.done_within_30, s.done_within_60, s.done_within_90
from teams as t,
     lateral (select * from marts.km_summary(struct_update($sel, team := [t.team]), 'class')) as s
order by sum(s.items) over (partition by t.team) desc, t.team, s.items desc, s.grp
