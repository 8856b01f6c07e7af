-- Which category (new, indeterminate, done) each status name belongs to, so that statuses seen
-- only in old changelog entries can be placed. Jira tells us for statuses issues are in now; the
-- configuration can name the rest and wins where both speak.
with

observed as (
    select status, status_category, count(*) as issues
    from staging.stg_issues
    where status_category is not null
    group by all
),

most_common as (
    select status, status_category as category
    from observed
    qualify row_number() over (partition by status order by issues desc, status_category) = 1
)

select status, category, 'config' as known_from from config.status_categories
union all
select status, category, 'jira' as known_from from most_common
where status not in (select status from config.status_categories)
