-- test: unique(issue_key)
-- test: relationships(issue_key, marts.incidents.issue_key)
-- test: relationships(earlier_issue_key, marts.incidents.issue_key)
-- One row per incident that is a repeat of an earlier one: linked to it as a repeat, or the next
-- incident on the same service, within the recurrence window. Where both apply the link wins, as
-- a person said so. Says whether the earlier incident's action items were still open when it
-- came back.
with

incidents as (
    select issue_key, service, team, severity, created_at from marts.incidents
),

window_days as (
    select recurrence_window_days as days from config.settings
),

previous_on_service as (
    select
        issue_key,
        lag(issue_key) over w as earlier_key,
        lag(created_at) over w as earlier_created_at,
        created_at
    from incidents
    where service is not null
    window w as (partition by service order by created_at, issue_key)
),

by_service as (
    select issue_key, earlier_key, 'same service' as reason
    from previous_on_service
    where earlier_key is not null
      and marts.days_between(earlier_created_at, created_at) <= (select days from window_days)
),

repeat_links as (
    select l.issue_key, l.other_issue_key
    from staging.stg_issue_links as l
    where list_has_any((select recurrence_link_types from config.settings),
                       [l.link_type, l.inward_name, l.outward_name])
),

-- Whichever incident of a linked pair came first is the earlier one, whatever the direction.
by_link as (
    select
        case when a.created_at > b.created_at then a.issue_key else b.issue_key end as issue_key,
        case when a.created_at > b.created_at then b.issue_key else a.issue_key end as earlier_key,
        'linked as a repeat' as reason
    from repeat_links as l
    join incidents as a on a.issue_key = l.issue_key
    join incidents as b on b.issue_key = l.other_issue_key
    where a.created_at <> b.created_at
      and abs(marts.days_between(a.created_at, b.created_at)) <= (select days from window_days)
),

chosen as (
    select r.issue_key, r.earlier_key, r.reason
    from (select * from by_link union all select * from by_service) as r
    join incidents as e on e.issue_key = r.earlier_key
    qualify row_number() over (
        partition by r.issue_key
        order by r.reason = 'linked as a repeat' desc, e.created_at desc, r.earlier_key) = 1
),

open_then as (
    select
        c.issue_key,
        count(ai.issue_key) as earlier_open_items,
        count(ai.issue_key) filter (where ai.class = 'strategic') as earlier_open_strategic_items,
        list(ai.issue_key order by ai.issue_key) filter (where ai.issue_key is not null) as earlier_open_item_keys
    from chosen as c
    join incidents as later on later.issue_key = c.issue_key
    left join marts.action_items as ai
        on ai.incident_key = c.earlier_key
       and ai.created_at <= later.created_at
       and (ai.closed_at is null or ai.closed_at > later.created_at)
    group by all
)

select
    c.issue_key,
    c.earlier_key as earlier_issue_key,
    c.reason,
    later.service,
    later.team,
    later.severity,
    later.created_at,
    earlier.created_at as earlier_created_at,
    marts.days_between(earlier.created_at, later.created_at) as days_between,
    o.earlier_open_items,
    o.earlier_open_strategic_items,
    coalesce(o.earlier_open_item_keys, []) as earlier_open_item_keys,
    o.earlier_open_items > 0 as recurred_while_open
from chosen as c
join incidents as later on later.issue_key = c.issue_key
join incidents as earlier on earlier.issue_key = c.earlier_key
join open_then as o on o.issue_key = c.issue_key
