-- test: unique(issue_key)
-- test: relationships(issue_key, marts.action_items.issue_key)
-- What an action item is held to, whatever the moment: its target (days by class and its
-- incident's severity from [targets], counted from filing; none without a severity), the risk it
-- states ([risk]), and who it must be handed over from (the incident's assignee). Its state
-- against these at a moment is marts.targets_at.
with

risk_values as (
    select issue_id, value
    from staging.stg_issue_attributes
    where attribute = 'risk'
    qualify row_number() over (partition by issue_id order by position) = 1
),

-- In a description the risk is the text after a line labelled [risk].section, up to the next blank
-- line or heading; etl/runner.py (risk_pattern) writes the expression in as a constant.
risks as (
    select
        r.issue_id,
        nullif(trim(case when s.risk_field = 'description' then regexp_extract(r.value, {{risk_pattern}}, 1)
                         else r.value end), '') as risk
    from risk_values as r
    cross join config.settings as s
    where s.risk_section <> '' or s.risk_field <> 'description'
)

select
    a.issue_key,
    a.issue_id,
    t.days as target_days,
    a.created_at + to_days(t.days) as target_at,
    k.risk,
    (select risk_field from config.settings) <> '' as risk_configured,
    i.assignee_id as owner_id,
    ni.assignee_id as incident_assignee_id,
    ni.assignee_name as incident_assignee
from marts.action_items as a
join marts.issues as i using (issue_id)
left join marts.issues as ni on ni.issue_key = a.incident_key
left join config.targets as t on t.class = a.class and t.severity = a.severity
left join risks as k using (issue_id)
