-- The Kaplan-Meier curves of time to close per team and class: marts.km_curve_daily by class,
-- once per team (the selection narrowed to that team), one point per team, class and whole day.
-- Only the $groups teams with the most items get curves; more panels than that cannot be read.
with

teams as (
    select coalesce(team, '(none)') as team, count(*) as items
    from marts.action_item_states
    where marts.in_selection($sel, action_item_states)
    group by all
    order by items desc, team
    limit $groups
)

select t.team, c.grp, c.days, c.still_open, c.at_risk, c.closed
from teams as t,
     lateral (select * from marts.km_curve_daily(struct_update($sel, team := [t.team]), 'class')) as c
order by t.items desc, t.team, c.grp, c.days
