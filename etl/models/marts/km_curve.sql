-- materialize: macro
-- Kaplan-Meier estimate of the share of action items still open after t days, for items filed in
-- the selection's period, by class, team or all together. Items still open are censored at
-- their age instead of being dropped or counted as closed, so slow-closing groups are not made
-- to look fast. One row per distinct duration: items at risk (open for at least t days), items
-- closed at t, and the estimate S(t) = product over closing times u <= t of (1 - closed(u) / at_risk(u)).
-- Closed items are done or dropped; done_share is the cumulative incidence of done (Aalen-Johansen),
-- dropped_share that of dropped, and S(t) + done_share + dropped_share = 1.
CREATE OR REPLACE MACRO marts.km_curve(sel, group_by) AS TABLE
with

items as (
    select
        case group_by when 'class' then class when 'team' then coalesce(team, '(none)') else 'all' end as grp,
        days_open as t,
        not is_open as closed,
        not is_open and outcome = 'done' as done
    from marts.action_item_states
    where marts.in_selection(sel, action_item_states)
),

durations as (
    select grp, t, count(*) filter (where closed) as closed, count(*) filter (where done) as done,
           count(*) as items
    from items
    group by all
),

at_risk as (
    select
        grp, t, closed, done, items,
        sum(items) over (partition by grp order by t desc rows between unbounded preceding and current row) as at_risk
    from durations
),

survival as (
    select
        *,
        -- Rounded so floating-point noise can neither lift the curve nor hide a median of exactly 0.5.
        round(product(1 - closed / at_risk) over (
            partition by grp order by t rows between unbounded preceding and current row), 12) as survival
    from at_risk
),

-- The share still open just before each t, which each Aalen-Johansen step multiplies.
steps as (
    select *, coalesce(lag(survival) over (partition by grp order by t), 1) as open_before
    from survival
)

select
    grp,
    t,
    at_risk,
    closed,
    done,
    closed - done as dropped,
    items - closed as censored,
    survival,
    -- Aalen-Johansen: the share done by t, with dropping as a competing outcome; each step adds the
    -- share still open just before t times the share of those at risk that were done at t.
    round(sum(open_before * done / at_risk) over cumulative, 12) as done_share,
    round(sum(open_before * (closed - done) / at_risk) over cumulative, 12) as dropped_share
from steps
window cumulative as (partition by grp order by t rows between unbounded preceding and current row)
