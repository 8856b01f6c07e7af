-- materialize: macro
-- The headline figures of one period under the filters: what the Overview shows against the
-- previous period and the quarterly review against the previous quarter, defined once here.
-- Time to resolve covers the period's incidents resolved so far (open ones have none, and are
-- not counted as zero); time to close is the Kaplan-Meier estimate for the period's items.
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
        median(hours_to_resolve) / 24 as median_days_to_resolve,
        quantile_cont(hours_to_resolve, 0.8) / 24 as p80_days_to_resolve,
        count(*) filter (where issue_key in (select issue_key from marts.repeats)) as recurrences
    from incidents
),

item_figures as (
    select
        count(*) as items_filed,
        count(*) filter (where not is_open) as items_closed,
        count(*) filter (where is_open) as items_open,
        count(*) filter (where is_overdue) as items_overdue,
        count(*) filter (where is_stalled and class = 'strategic') as strategic_stalled
    from items
),

time_to_close as (
    select median_days as median_days_to_close, closed_within_30, closed_within_60, closed_within_90
    from marts.km_summary(sel, 'all')
)

select
    i.*,
    i.recurrences / nullif(i.incidents, 0) as recurrence_rate,
    f.*,
    t.*
from incident_figures as i
cross join item_figures as f
left join time_to_close as t on true;
