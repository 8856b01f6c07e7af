-- materialize: macro
-- The headline figures of one period under the filters: what the Overview shows against the
-- previous period and the quarterly review against the previous quarter, defined once here.
-- Time to resolve is the Kaplan-Meier estimate for the period's incidents, the unresolved ones
-- censored at the as-of time. Items are counted done or dropped by the period's end; time to done is the
-- Aalen-Johansen estimate for the period's items followed up to the as-of time, dropping being a
-- competing outcome (marts.km_summary). Target attainment is items done by their target over the
-- items decided by the period's end (marts.targets_at): done, or open past their target.
CREATE OR REPLACE MACRO marts.period_figures(sel) AS TABLE
with

incidents as (
    select * from marts.selected_incidents(sel)
),

items as (
    select * from marts.selected_action_items(sel)
),

incident_figures as (
    select
        count(*) as incidents,
        count(*) filter (where severity = 'SEV-1') as sev1,
        count(*) filter (where severity = 'SEV-2') as sev2,
        count(*) filter (where severity = 'SEV-3') as sev3,
        count(*) filter (where severity = 'SEV-4') as sev4,
        count(*) filter (where severity is null) as no_severity,
        count(*) filter (where is_resolved) as resolved_incidents,
        count(*) filter (where not is_resolved) as unresolved_incidents,
        count(*) filter (where issue_key in (select issue_key from marts.repeats)) as recurrences,
        count(*) filter (where issue_key in (select issue_key from marts.repeats where recurred_while_open))
            as repeats_while_open
    from incidents
),

-- Time to resolve as Kaplan-Meier, like time to close: an incident still open counts for as long
-- as it has been open (censored at the as-of time), so slow open incidents are not left out.
resolve_steps as (
    select
        coalesce(hours_to_resolve / 24, marts.days_between(created_at, (select as_of from staging.stg_as_of))) as t,
        count(*) filter (where is_resolved) as resolved,
        count(*) as n
    from incidents
    group by all
),

resolve_curve as (
    select t, round(product(1 - resolved / at_risk) over (order by t rows between unbounded preceding and current row),
                    12) as still_open
    from (select *, sum(n) over (order by t desc rows between unbounded preceding and current row) as at_risk
          from resolve_steps)
),

time_to_resolve as (
    select min(t) filter (where still_open <= 0.5) as median_days_to_resolve,
           min(t) filter (where still_open <= 0.2) as p80_days_to_resolve
    from resolve_curve
),

item_figures as (
    select
        count(*) as items_filed,
        count(*) filter (where not is_open) as items_closed,
        count(*) filter (where outcome = 'done') as items_done,
        count(*) filter (where outcome = 'dropped') as items_dropped,
        count(*) filter (where is_open) as items_open,
        count(*) filter (where is_overdue) as items_overdue,
        count(*) filter (where is_stalled and class = 'strategic') as strategic_stalled
    from items
),

targets as (
    select
        count(*) filter (where met_target) / nullif(count(met_target), 0) as target_attainment,
        count(*) filter (where met_target and class = 'strategic')
            / nullif(count(met_target) filter (where class = 'strategic'), 0) as strategic_target_attainment,
        count(*) filter (where is_breached) as items_past_target
    from marts.selected_targets(sel)
),

time_to_done as (
    select median_days as median_days_to_close, median_days_to_done, done_within_30, done_within_60, done_within_90
    from marts.km_summary(sel, 'all')
)

select
    i.*,
    i.recurrences / nullif(i.incidents, 0) as recurrence_rate,
    i.repeats_while_open / nullif(i.recurrences, 0) as share_repeats_while_open,
    r.*,
    f.*,
    t.*,
    g.*
from incident_figures as i
cross join item_figures as f
cross join targets as g
cross join time_to_resolve as r
left join time_to_done as t on true;
