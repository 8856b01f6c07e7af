-- The Overview's headline figures for one period; the page runs it for the selected period and
-- for the one before it. Incidents and action items are those filed in the period, their states
-- are taken at its end (or at the as-of time when the period runs past it), as on every page.
with

incidents as (
    select * from marts.incidents
    where created_at >= $start and created_at < $end
      and marts.in_selection(severity, $severities)
      and marts.in_selection(service, $services)
      and marts.in_selection(team, $teams)
),

items_then as (
    select * from marts.action_items_at(least($end, (select as_of from marts.build_info)))
    where created_at >= $start and created_at < $end
      and marts.in_selection(severity, $severities)
      and marts.in_selection(service, $services)
      and marts.in_selection(team, $teams)
),

repeats as (
    select count(*) as incidents from marts.recurrences
    where issue_key in (select issue_key from incidents)
)

select
    (select count(*) from incidents) as incidents,
    (select count(*) filter (where is_resolved) from incidents) as resolved_incidents,
    (select median(hours_to_resolve) / 24 from incidents) as median_days_to_resolve,
    (select quantile_cont(hours_to_resolve, 0.8) / 24 from incidents) as p80_days_to_resolve,
    (select count(*) from items_then) as items_filed,
    (select count(*) filter (where is_open) from items_then) as items_open,
    (select count(*) filter (where is_overdue) from items_then) as items_overdue,
    (select count(*) filter (where not is_open) from items_then) as items_closed,
    (select median_days from marts.km_summary($start, $end, $severities, $services, $teams, 'all'))
        as median_days_to_close,
    (select count(*) filter (where class = 'strategic' and is_stalled) from items_then) as strategic_stalled,
    (select incidents from repeats) as recurrences,
    (select incidents from repeats) / nullif((select count(*) from incidents), 0) as recurrence_rate
