-- One incident's returns, by key: the earlier incident it came back after and the later ones that
-- came back after it, with the evidence, whether that counts as a repeat, and how many of the
-- earlier incident's action items were still open when it came back.
select
    'repeats earlier' as relation,
    r.earlier_issue_key as issue_key,
    e.summary,
    e.created_at,
    replace(r.evidence, '_', ' ') as evidence,
    r.counts_as_repeat,
    r.days_between,
    r.earlier_open_items as earlier_items_open_then,
    e.url
from marts.recurrences as r
join marts.incidents as e on e.issue_key = r.earlier_issue_key
where r.issue_key = $key

union all

select
    'repeated later',
    r.issue_key,
    l.summary,
    l.created_at,
    replace(r.evidence, '_', ' ') as evidence,
    r.counts_as_repeat,
    r.days_between,
    r.earlier_open_items,
    l.url
from marts.recurrences as r
join marts.incidents as l on l.issue_key = r.issue_key
where r.earlier_issue_key = $key

order by created_at
