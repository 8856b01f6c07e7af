-- What one team's digest says, for the selection $sel (all time, one team): items past their
-- target and near it, strategic items that stalled after $since, strategic items not handed over,
-- and post-mortem gaps, each with whom it waits on, a number of days and its link. In that order,
-- the most pressing of each first.
with

items as (
    select *, coalesce(owner, 'no owner') as owned_by from marts.selected_targets($sel)
),

at_time as (
    select least($sel['end'], as_of) as at_time from staging.stg_as_of
)

select 1 as section_order, 'breached' as section, issue_key, summary, owned_by, url,
       floor(days_past_target) as days
from items where is_breached
union all
select 2, 'near', issue_key, summary, owned_by, url, ceil(days_to_target)
from items where is_near_target
union all
select 3, 'stalled', issue_key, summary, owned_by, url, floor(marts.days_between(stalled_since, t.at_time))
from items cross join at_time as t
where class = 'strategic' and is_stalled and stalled_since > $since
union all
select 4, 'handover', issue_key, summary, owned_by, url, floor(days_open)
from items where not_handed_over
union all
select 5, 'postmortem', issue_key, summary, coalesce(assignee_name, 'no owner'), url, floor(days_since_resolved)
from marts.postmortem_gaps($sel)
order by section_order, case when section = 'near' then days else -days end, issue_key
