-- materialize: macro
-- The state of every action item that existed at a moment: open or closed then, how long it had
-- been open, overdue, and stalled (no status change for longer than its class's threshold, or
-- never started and that old). An item closed after the moment counts as open then. Computed from
-- the changelog; marts.action_items_at reads it, or the states stored for the as-of time, and
-- passes `skip` true when those are stored, so that no item is read twice.
CREATE OR REPLACE MACRO marts.states_at(at_time, skip) AS TABLE
with

-- Not materialized although read twice: materialized, it copied every column of every item filed
-- before the moment before anything was joined; inlined, each reader scans marts.action_items for
-- the columns it needs, and a selection's filters on the result reach that scan. At 1,000,000
-- issues a year's targets at its end took 0.46-0.66 s materialized, 0.25-0.37 s inlined.
items as not materialized (
    select * from marts.action_items where created_at <= at_time and not skip
),

-- Only an item whose status changed after the moment needs its history: for every other item the
-- last change over its whole history is the last change before the moment. At the as-of time
-- that is no item, unless the as-of time was set earlier than the data.
moved_later as (
    select p.issue_id, max(p.started_at) as last_status_change_at
    from marts.status_periods as p
    semi join (select issue_id from items where last_status_change_ever_at > at_time) as l using (issue_id)
    where p.period_number > 0 and p.started_at <= at_time and not skip
    group by all
),

states as (
    select
        i.* exclude (started_work_at, last_status_change_ever_at, outcome),
        case when i.closed_at <= at_time then i.outcome end as outcome,
        -- Its status changed after the moment: a state taken at a past period's end is not today's.
        coalesce(i.last_status_change_ever_at > at_time, false) as moved_since,
        case when i.last_status_change_ever_at > at_time then m.last_status_change_at
             else i.last_status_change_ever_at end as last_status_change_at,
        i.closed_at is null or i.closed_at > at_time as is_open,
        not coalesce(i.started_work_at <= at_time, false) as never_started,
        -- Open items count as censored at their age: the Kaplan-Meier estimate uses this.
        marts.days_between(i.created_at, least(coalesce(i.closed_at, at_time), at_time)) as days_open
    from items as i
    left join moved_later as m using (issue_id)
),

clocks as (
    select
        *,
        marts.days_between(coalesce(last_status_change_at, created_at), at_time) as days_without_status_change
    from states
),

-- An item never started stalls from when it was filed, even if it moved between to-do statuses.
idle as (
    select *, case when never_started then days_open else days_without_status_change end as days_idle
    from clocks
)

select
    * exclude (days_idle),
    is_open and coalesce(due_date < at_time::date, false) as is_overdue,
    case when is_open and due_date < at_time::date then at_time::date - due_date end as days_overdue,
    is_open and days_idle > stall_threshold_days as is_stalled,
    case when is_open and days_idle > stall_threshold_days
         then case when never_started then 'never started' else 'no status change' end
    end as stall_reason
from idle
