-- test: unique(issue_key)
-- test: not_null(issue_key)
-- test: not_null(created_at)
-- test: accepted_values(kind, 'incident', 'action_item', 'other')
-- Every usable issue, with what Followthrough takes it to be: an incident, an action item or
-- other. Timestamps are UTC.
with

facts as (
    select issue_id, 'project' as attribute, project_key as value from staging.stg_issues
    union all
    select issue_id, 'issue_type', issue_type from staging.stg_issues
    union all
    select issue_id, 'label', unnest(labels) from staging.stg_issues
),

-- Within a rule list any value matches; every non-empty list of a kind must match.
matches as (
    select f.issue_id, r.kind, count(distinct r.attribute) as lists_matched
    from facts as f
    join config.match_rules as r on r.attribute = f.attribute and r.value = f.value
    group by all
),

required as (
    select kind, count(distinct attribute) as lists_required
    from config.match_rules
    group by all
),

kinds as (
    select issue_id,
           case when bool_or(kind = 'incident') then 'incident' else 'action_item' end as kind
    from matches
    join required using (kind)
    where lists_matched = lists_required
    group by all
),

histories as (
    select issue_id, count(distinct history_id) as histories
    from staging.stg_changelog_items
    group by all
),

current_periods as (
    select issue_id, status_category, started_at
    from marts.status_periods
    where is_current
)

select
    i.issue_id,
    i.issue_key,
    i.project_key,
    i.issue_type,
    i.is_subtask,
    coalesce(k.kind, 'other') as kind,
    i.summary,
    i.status,
    coalesce(i.status_category, p.status_category) as status_category,
    i.created_at,
    i.updated_at,
    i.resolved_at,
    -- Closed means in a done status now; a resolution date left behind by a reopened issue
    -- does not count. Without a resolution date, the move into the done status does.
    case when coalesce(i.status_category, p.status_category) = 'done'
         then coalesce(i.resolved_at, p.started_at) end as closed_at,
    i.resolution,
    i.due_date,
    i.assignee_id,
    i.assignee_name,
    i.priority,
    i.labels,
    i.components,
    i.parent_key,
    greatest(coalesce(i.changelog_total, 0), coalesce(h.histories, 0)) as history_count,
    -- A CSV export, or JSON fetched without expand=changelog, says nothing of the history, which
    -- is not the same as an empty one.
    i.changelog_total is not null or h.histories is not null as has_changelog,
    i.url,
    i.fetched_at
from staging.stg_issues as i
left join kinds as k using (issue_id)
left join histories as h using (issue_id)
left join current_periods as p using (issue_id)
