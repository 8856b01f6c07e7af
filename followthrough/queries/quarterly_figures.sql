-- The quarterly review's headline figures for one quarter [$start, $end), under the severity,
-- service and team filters; the page runs it for the chosen quarter and the one before. As on
-- every page, incidents and action items are those filed in the quarter and the items' states
-- (closed, open, overdue, stalled) are taken at its end, or at the as-of time for the quarter
-- still running. Time to resolve covers the quarter's incidents resolved so far; time to close
-- is the Kaplan-Meier estimate for the quarter's items, followed up to the as-of time.
with

incidents as (
    select *
    from marts.incidents
    where created_at >= $start and created_at < $end
      and marts.in_selection(severity, $severities)
      and marts.in_selection(service, $services)
      and marts.in_selection(team, $teams)
),

items_then as (
    select *
    from marts.action_items_at(least($end, (select as_of from marts.build_info)))
    where created_at >= $start and created_at < $end
      and marts.in_selection(severity, $severities)
      and marts.in_selection(service, $services)
      and marts.in_selection(team, $teams)
),

incident_figures as (
    select
        count(*) as incidents,
        count(*) filter (where severity = 'SEV-1') as sev1,
        count(*) filter (where severity = 'SEV-2') as sev2,
        count(*) filter (where severity = 'SEV-3') as sev3,
        count(*) filter (where severity = 'SEV-4') as sev4,
        count(*) filter (where severity is null) as no_severity,
        count(*) filter (where is_resolved) as resolved,
        median(hours_to_resolve) / 24 as median_days_to_resolve,
        quantile_cont(hours_to_resolve, 0.8) / 24 as p80_days_to_resolve,
        count(*) filter (where issue_key in (select issue_key from marts.recurrences)) as recurrences
    from incidents
),

item_figures as (
    select
        count(*) as items_filed,
        count(*) filter (where not is_open) as items_closed,
        count(*) filter (where is_open) as items_open_at_end,
        count(*) filter (where is_overdue) as items_overdue_at_end,
        count(*) filter (where is_stalled and class = 'strategic') as strategic_stalled_at_end
    from items_then
),

time_to_close as (
    select median_days as median_days_to_close, closed_within_30, closed_within_60, closed_within_90
    from marts.km_summary($start, $end, $severities, $services, $teams, 'all')
)

select
    i.*,
    i.recurrences / nullif(i.incidents, 0) as recurrence_rate,
    f.*,
    t.*
from incident_figures as i
cross join item_figures as f
left join time_to_close as t on true
