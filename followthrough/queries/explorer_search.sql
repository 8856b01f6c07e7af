-- Incidents filed in [$sel['start'], $sel['end']) under the filters whose key or summary contains $text (any
-- case; an empty $text matches all), open, resolved or both ($status), newest first, at most
-- $limit (NULL: all); total_rows counts every match. Each with its action items and whether it was a repeat.
with

matches as (
    select *
    from marts.selected_incidents($sel)
    where ($status = 'all' or is_resolved = ($status = 'resolved'))
      and (contains(lower(issue_key), lower($text)) or contains(lower(coalesce(summary, '')), lower($text)))
),

items as (
    select incident_key, count(*) as action_items, count(*) filter (where is_open) as open_action_items
    from marts.action_item_states
    where incident_key in (select issue_key from matches)
    group by all
)

select
    m.issue_key,
    m.summary,
    coalesce(m.severity, '(none)') as severity,
    m.service,
    m.team,
    m.status,
    m.created_at,
    m.resolved_at,
    m.hours_to_resolve / 24 as days_to_resolve,
    coalesce(i.action_items, 0) as action_items,
    coalesce(i.open_action_items, 0) as open_action_items,
    r.earlier_issue_key as repeat_of,
    m.url,
    count(*) over () as total_rows
from matches as m
left join items as i on i.incident_key = m.issue_key
left join marts.repeats as r on r.issue_key = m.issue_key
order by m.created_at desc, m.issue_key
limit $limit
