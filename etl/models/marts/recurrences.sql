-- test: unique(issue_key)
-- test: not_null(evidence)
-- test: relationships(issue_key, marts.incidents.issue_key)
-- test: relationships(earlier_issue_key, marts.incidents.issue_key)
-- test: accepted_values(evidence, 'link', 'same_cause', 'similar_summary', 'same_service')
-- One row per incident that returned within the recurrence window after an earlier one, with the
-- strongest evidence that ties the two: `link` (linked with a configured link type), `same_cause`
-- (the same value of [recurrence].cause_field), `similar_summary` (same service, summaries at
-- least [recurrence].summary_similarity alike) or `same_service` (nothing more). It counts as a
-- repeat when any evidence for any earlier incident is in [recurrence].counts_as_repeat; the rest
-- are "back on the same service". Whether it came back while fixes were open looks at every
-- earlier incident it repeats (with evidence that counts), not only the nearest.
with

settings as (
    select recurrence_window_days as window_days,
           recurrence_summary_similarity as threshold,
           recurrence_counts_as_repeat as counting
    from config.settings
),

incidents as (
    select issue_key, issue_id, service, team, severity, created_at
    from marts.incidents
),

on_service as (
    select p.issue_key, p.earlier_key, s.similarity
    from service_pairs as p
    join pair_similarities as s using (words, earlier_words)
),

repeat_links as (
    select l.issue_key, l.other_issue_key
    from staging.stg_issue_links as l
    where list_has_any((select recurrence_link_types from config.settings),
                       [l.link_type, l.inward_name, l.outward_name])
),

-- Whichever incident of a linked pair came first is the earlier one, whatever the direction.
by_link as (
    select distinct
        case when a.created_at > b.created_at then a.issue_key else b.issue_key end as issue_key,
        case when a.created_at > b.created_at then b.issue_key else a.issue_key end as earlier_key
    from repeat_links as l
    join incidents as a on a.issue_key = l.issue_key
    join incidents as b on b.issue_key = l.other_issue_key
    where a.created_at <> b.created_at
      and abs(marts.days_between(a.created_at, b.created_at)) <= (select window_days from settings)
),

causes as (
    select n.issue_key, n.created_at, a.value as cause
    from incidents as n
    join staging.stg_issue_attributes as a on a.issue_id = n.issue_id and a.attribute = 'cause'
),

-- Only the latest earlier incident with the same cause: a common cause ("bad deploy") would
-- otherwise pair every incident with hundreds, and the latest is the one the fix was owed to.
by_cause as (
    select issue_key, earlier_key
    from (select issue_key, cause, created_at,
                 lag(issue_key) over w as earlier_key,
                 lag(created_at) over w as earlier_created_at
          from causes
          window w as (partition by cause order by created_at, issue_key))
    where earlier_key is not null
      and marts.days_between(earlier_created_at, created_at) <= (select window_days from settings)
),

-- Every pair on one service is in on_service once; links and causes tie few pairs, some of them
-- across services. So each pair's evidence is read off one join instead of grouping a row per
-- piece of evidence (that grouping was a third of this model).
tied as (
    select issue_key, earlier_key, bool_or(evidence = 'link') as by_link, bool_or(evidence = 'same_cause') as by_cause
    from (select issue_key, earlier_key, 'link' as evidence from by_link
          union all
          select issue_key, earlier_key, 'same_cause' from by_cause)
    group by all
),

-- Each pair's evidence, strongest first.
pair_evidence as (
    select
        issue_key,
        earlier_key,
        list_filter([case when t.by_link then 'link' end,
                     case when t.by_cause then 'same_cause' end,
                     case when o.similarity >= (select threshold from settings) then 'similar_summary' end,
                     case when o.issue_key is not null then 'same_service' end],
                    lambda e: e is not null) as evidences
    from on_service as o
    full outer join tied as t using (issue_key, earlier_key)
),

pairs as (
    select
        issue_key,
        earlier_key,
        evidences[1] as evidence,
        list_position(['link', 'same_cause', 'similar_summary', 'same_service'], evidences[1]) as strength,
        list_has_any(evidences, (select counting from settings)) as counts
    from pair_evidence
),

-- A return counts when any pair does; its row then stands on the counting pairs alone.
returns as (
    select issue_key, bool_or(counts) as counts_as_repeat from pairs group by all
),

relevant_pairs as (
    select p.*
    from pairs as p
    join returns as r using (issue_key)
    where p.counts or not r.counts_as_repeat
),

-- The earlier incident shown: the strongest evidence, then the nearest in time.
chosen as (
    select p.issue_key, p.earlier_key, p.evidence
    from relevant_pairs as p
    join incidents as e on e.issue_key = p.earlier_key
    qualify row_number() over (partition by p.issue_key order by p.strength, e.created_at desc, p.earlier_key) = 1
),

open_then as (
    select
        p.issue_key,
        -- An item belongs to one incident and each pair is here once, so no item is met twice:
        -- counting without distinct saves a grouping per figure.
        count(ai.issue_key) as earlier_open_items,
        count(ai.issue_key) filter (where ai.class = 'strategic') as earlier_open_strategic_items,
        list(ai.issue_key order by ai.issue_key) filter (where ai.issue_key is not null) as earlier_open_item_keys,
        list_sort(list_distinct(list(p.earlier_key) filter (where ai.issue_key is not null))) as open_items_from
    from relevant_pairs as p
    join incidents as later on later.issue_key = p.issue_key
    left join marts.action_items as ai
        on ai.incident_key = p.earlier_key
       and ai.created_at <= later.created_at
       and (ai.closed_at is null or ai.closed_at > later.created_at)
    group by all
)

select
    c.issue_key,
    c.earlier_key as earlier_issue_key,
    c.evidence,
    r.counts_as_repeat,
    later.service,
    later.team,
    later.severity,
    later.created_at,
    earlier.created_at as earlier_created_at,
    marts.days_between(earlier.created_at, later.created_at) as days_between,
    o.earlier_open_items,
    o.earlier_open_strategic_items,
    coalesce(o.earlier_open_item_keys, []) as earlier_open_item_keys,
    coalesce(o.open_items_from, []) as open_items_from,
    o.earlier_open_items > 0 as recurred_while_open
from chosen as c
join returns as r using (issue_key)
join incidents as later on later.issue_key = c.issue_key
join incidents as earlier on earlier.issue_key = c.earlier_key
join open_then as o on o.issue_key = c.issue_key
