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
    select issue_id, status, status_category, started_at
    from marts.status_periods
    where is_current
),

-- As of means as of: a field changed after the as-of time had, then, the value its first later
-- change moved it from. Without a later change the payload's value stands.
later_changes as (
    select
        issue_id,
        field,
        arg_min(from_value, changed_at) as from_value,
        arg_min(from_string, changed_at) as from_string
    from staging.stg_changelog_items
    where changed_at > (select as_of from staging.stg_as_of)
      and field in ('status', 'resolution', 'assignee', 'duedate')
    group by all
),

at_as_of as (
    select
        i.issue_id,
        coalesce(p.status, i.status) as status,
        -- The payload's category is for its status now; a status at an earlier moment takes its own.
        case when s.issue_id is null then coalesce(i.status_category, p.status_category)
             else p.status_category end as status_category,
        case when r.issue_id is null then i.resolution else r.from_string end as resolution,
        case when i.resolved_at <= (select as_of from staging.stg_as_of) then i.resolved_at end as resolved_at,
        case when a.issue_id is null then i.assignee_id else a.from_value end as assignee_id,
        case when a.issue_id is null then i.assignee_name else a.from_string end as assignee_name,
        case when d.issue_id is null then i.due_date else try_cast(left(d.from_value, 10) as date) end as due_date
    from staging.stg_issues as i
    left join current_periods as p using (issue_id)
    left join later_changes as s on s.issue_id = i.issue_id and s.field = 'status'
    left join later_changes as r on r.issue_id = i.issue_id and r.field = 'resolution'
    left join later_changes as a on a.issue_id = i.issue_id and a.field = 'assignee'
    left join later_changes as d on d.issue_id = i.issue_id and d.field = 'duedate'
)

select
    i.issue_id,
    i.issue_key,
    i.project_key,
    i.issue_type,
    i.is_subtask,
    coalesce(k.kind, 'other') as kind,
    i.summary,
    t.status,
    t.status_category,
    i.created_at,
    i.updated_at,
    t.resolved_at,
    -- Closed means in a done status at the as-of time; a resolution date left behind by a
    -- reopened issue does not count. Without a resolution date, the move into the done status does.
    case when t.status_category = 'done' then coalesce(t.resolved_at, p.started_at) end as closed_at,
    t.resolution,
    t.due_date,
    t.assignee_id,
    t.assignee_name,
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
join at_as_of as t using (issue_id)
