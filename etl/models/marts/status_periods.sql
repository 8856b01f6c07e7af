-- One row per issue and stretch of time spent in one status, from the changelog, up to the as-of
-- time: a change after it is not seen, so a publish "as of" a past moment sees the statuses then.
-- The last period of an issue is open (ended_at NULL) and its length runs to the as-of time.
with

as_of as (
    select as_of from staging.stg_as_of
),

-- The status an issue had at the as-of time: the one its first later change moved it from, or
-- with no later change the status it has now.
issues as (
    select i.issue_id, i.issue_key, coalesce(l.from_string, i.status) as current_status, i.created_at
    from staging.stg_issues as i
    left join (select issue_id, arg_min(from_string, changed_at) as from_string
               from staging.stg_changelog_items
               where field = 'status' and changed_at > (select as_of from as_of)
               group by all) as l using (issue_id)
),

transitions as (
    select
        issue_id,
        changed_at,
        from_string,
        to_string,
        -- Numbered and ended in one pass over the same order: a second window sorted them again.
        row_number() over w as period_number,
        lead(changed_at) over w as next_changed_at
    from staging.stg_changelog_items
    where field = 'status' and changed_at is not null and changed_at <= (select as_of from as_of)
    window w as (partition by issue_id order by changed_at, try_cast(history_id as bigint), history_id)
),

periods as (
    -- before the first transition the issue sat in the status it was created in
    select t.issue_id, 0 as period_number, t.from_string as status, i.created_at as started_at,
           t.changed_at as ended_at
    from transitions as t
    join issues as i using (issue_id)
    where t.period_number = 1

    union all

    select issue_id, period_number, to_string, changed_at, next_changed_at
    from transitions

    union all

    select issue_id, 0, current_status, created_at, null
    from issues
    where issue_id not in (select issue_id from transitions)
)

select
    i.issue_key,
    p.issue_id,
    p.period_number,
    p.status,
    coalesce(c.category, 'unknown') as status_category,
    p.started_at,
    p.ended_at,
    p.ended_at is null as is_current,
    -- changelog clocks can run a little ahead of `created`; a period is never negative
    greatest(0, marts.days_between(p.started_at, coalesce(p.ended_at, a.as_of))) as days
from periods as p
join issues as i using (issue_id)
left join staging.stg_status_categories as c on c.status = p.status
cross join as_of as a
