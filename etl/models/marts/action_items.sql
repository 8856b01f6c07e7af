-- test: unique(issue_key)
-- test: not_null(created_at)
-- test: accepted_values(class, 'strategic', 'operational', 'unclassified')
-- test: accepted_values(outcome, 'done', 'dropped')
-- test: relationships(incident_key, marts.incidents.issue_key)
-- One row per post-mortem action item: the incident it belongs to, its class, service, team and
-- owner, when it was filed, closed and due, whether it was done or dropped, and how many incidents its service had while it
-- stayed open (its cost of delay). Its state at a given moment (open, overdue, stalled) comes
-- from marts.action_items_at, so "now" and "at the end of last quarter" are computed alike.
with

items as (
    select * from marts.issues where kind = 'action_item'
),

incidents as (
    select issue_key, created_at, severity, service, team from marts.incidents
),

tie_links as (
    select l.*
    from staging.stg_issue_links as l
    where list_has_any((select action_items_link_types from config.settings),
                       [l.link_type, l.inward_name, l.outward_name])
),

-- A link may be recorded on the item, on the incident, or (as Jira does) on both.
candidates as (
    select issue_key as item_key, other_issue_key as incident_key, 'link' as tie from tie_links
    union all
    select other_issue_key, issue_key, 'link' from tie_links
    union all
    select issue_key, parent_key, 'parent' from items
    where parent_key is not null and (select tie_by_parent from config.settings)
    union all
    select i.issue_key, a.value, 'epic'
    from items as i
    join staging.stg_issue_attributes as a on a.issue_id = i.issue_id and a.attribute = 'epic'
),

-- With several incidents to choose from, the earliest is the one whose post-mortem filed it.
ties as (
    select c.item_key, c.incident_key, c.tie
    from candidates as c
    join incidents as n on n.issue_key = c.incident_key
    join items as i on i.issue_key = c.item_key
    qualify row_number() over (partition by c.item_key order by n.created_at, n.issue_key, c.tie) = 1
),

class_facts as (
    select issue_id, 'label' as attribute, unnest(labels) as value from items
    union all
    select issue_id, 'issue_type', issue_type from items
    union all
    select issue_id, 'field', value from staging.stg_issue_attributes where attribute = 'class'
),

classes as (
    select f.issue_id,
           case when bool_or(r.class = 'strategic') then 'strategic' else 'operational' end as class
    from class_facts as f
    join config.class_rules as r using (attribute, value)
    group by all
),

own_dimensions as (
    select
        issue_id,
        arg_min(value, position) filter (where attribute = 'service') as service,
        arg_min(value, position) filter (where attribute = 'team') as team
    from staging.stg_issue_attributes
    where attribute in ('service', 'team')
    group by all
),

enriched as (
    select
        i.issue_key,
        i.issue_id,
        i.summary,
        i.issue_type,
        i.status,
        i.status_category,
        coalesce(c.class, 'unclassified') as class,
        t.incident_key,
        coalesce(t.tie, 'none') as tie,
        n.severity,
        coalesce(o.service, n.service) as service,
        coalesce(o.team, n.team) as team,
        i.assignee_name as owner,
        i.created_at,
        i.closed_at,
        -- Dropping an item is a decision, not follow-through: its resolution (or, without one, its
        -- status) is one of [action_items].dropped_resolutions.
        case when i.closed_at is not null then
            case when list_contains(list_transform((select action_items_dropped_resolutions from config.settings),
                                                   lambda r: lower(r)),
                                    lower(coalesce(i.resolution, i.status)))
                 then 'dropped' else 'done' end
        end as outcome,
        i.due_date,
        s.days as stall_threshold_days,
        a.as_of,
        i.url
    from items as i
    cross join staging.stg_as_of as a
    left join ties as t on t.item_key = i.issue_key
    left join incidents as n on n.issue_key = t.incident_key
    left join classes as c on c.issue_id = i.issue_id
    left join own_dimensions as o on o.issue_id = i.issue_id
    left join config.stall_days as s on s.class = coalesce(c.class, 'unclassified')
),

-- When the item first left to-do and when its status last changed, over its whole history: with
-- these, marts.action_items_at re-reads the history only of items that moved after its moment.
movement as (
    select
        p.issue_id,
        min(p.started_at) filter (where p.status_category in ('indeterminate', 'done')) as started_work_at,
        max(p.started_at) filter (where p.period_number > 0) as last_status_change_ever_at
    from marts.status_periods as p
    semi join items as i using (issue_id)
    group by all
),

-- Incidents and each item's opening and end in one stream per service, so "incidents while the
-- item was open" is the running count of incidents at its end less that at its opening, found in
-- one sort instead of a join of every item with every incident. At the same instant an incident
-- sorts first: it counts as already there.
service_events as (
    select service, created_at as happened_at, 1 as incident, null::varchar as issue_id, null::boolean as is_end
    from incidents
    where service is not null
    union all
    select service, created_at, 0, issue_id, false from enriched where service is not null
    union all
    select service, coalesce(closed_at, as_of), 0, issue_id, true from enriched where service is not null
),

incidents_so_far as (
    select issue_id, is_end,
           count(*) filter (where incident = 1) over (partition by service order by happened_at, incident desc
                                                       rows between unbounded preceding and current row) as incidents
    from service_events
    qualify incident = 0
),

cost as (
    select issue_id,
           max(incidents) filter (where is_end) - max(incidents) filter (where not is_end) as incidents_while_open
    from incidents_so_far
    group by all
)

select
    e.* exclude (as_of),
    case when e.closed_at is not null then marts.days_between(e.created_at, e.closed_at) end as days_to_close,
    case when e.closed_at::date > e.due_date then e.closed_at::date - e.due_date end as days_late,
    coalesce(k.incidents_while_open, 0) as incidents_while_open,
    m.started_work_at,
    m.last_status_change_ever_at
from enriched as e
left join cost as k using (issue_id)
left join movement as m using (issue_id)
