-- materialize: macro
-- Kaplan-Meier estimate of the share of action items still open after t days, for items filed in
-- the selection's period, by class, team or all together. Items still open are censored at
-- their age instead of being dropped or counted as closed, so slow-closing groups are not made
-- to look fast. One row per distinct duration: items at risk (open for at least t days), items
-- closed at t, and the estimate S(t) = product over closing times u <= t of (1 - closed(u) / at_risk(u)).
CREATE OR REPLACE MACRO marts.km_curve(sel, group_by) AS TABLE
with

items as (
    select
        case group_by when 'class' then class when 'team' then coalesce(team, '(none)') else 'all' end as grp,
        days_open as t,
        not is_open as closed
    from marts.action_item_states
    where marts.in_selection(sel, action_item_states)
),

durations as (
    select grp, t, count(*) filter (where closed) as closed, count(*) as items
    from items
    group by all
),

at_risk as (
    select
        grp, t, closed, items,
        sum(items) over (partition by grp order by t desc rows between unbounded preceding and current row) as at_risk
    from durations
)

select
    grp,
    t,
    at_risk,
    closed,
    items - closed as censored,
    -- Rounded so floating-point noise can neither lift the curve nor hide a median of exactly 0.5.
    round(product(1 - closed / at_risk) over (
        partition by grp order by t rows between unbounded preceding and current row), 12) as survival
from at_risk
