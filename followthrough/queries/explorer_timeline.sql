-- One incident's life, by key: created (in the status it started in), every status change with
-- who made it, and resolved, oldest first, each with the time since it was created.
with

incident as (
    select issue_id, created_at, resolved_at from marts.incidents where issue_key = $key
),

events as (
    select p.started_at as at, 0 as step, 'created' as event, null as from_status, p.status as to_status,
           null as author
    from marts.status_periods as p
    join incident using (issue_id)
    where p.period_number = 0

    union all
    select c.changed_at, 1, 'status changed', c.from_string, c.to_string, c.author
    from staging.stg_changelog_items as c
    join incident using (issue_id)
    where c.field = 'status' and c.changed_at is not null

    union all
    select resolved_at, 2, 'resolved', null, null, null
    from incident
    where resolved_at is not null
)

select
    e.at,
    e.event,
    e.from_status,
    e.to_status,
    e.author,
    marts.days_between(i.created_at, e.at) as days_since_created
from events as e
cross join incident as i
order by e.at, e.step
