-- test: not_null(issue_id)
-- test: not_null(changed_at)
-- Every change in an action item's changelog that moved its due date later, with by how many
-- days. Jira records the date as 2026-03-01 (from/to) and 2026-03-01 00:00:00.0 (the strings);
-- either is read. Setting a first due date, or moving it earlier, is not a slip; nor is a date
-- cleared and set again, which the changelog records as two changes with nothing to compare.
with

changes as (
    select
        c.issue_id,
        c.changed_at,
        coalesce(try_cast(left(c.from_value, 10) as date), try_cast(left(c.from_string, 10) as date)) as from_date,
        coalesce(try_cast(left(c.to_value, 10) as date), try_cast(left(c.to_string, 10) as date)) as to_date
    from staging.stg_changelog_items as c
    semi join marts.action_items as a using (issue_id)
    where c.field = 'duedate'
)

select issue_id, changed_at, from_date, to_date, to_date - from_date as days_later
from changes
where to_date > from_date
