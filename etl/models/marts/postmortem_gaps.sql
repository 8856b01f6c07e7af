-- materialize: macro
-- Incidents of the selection that needed a post-mortem and have no action item from it: of a
-- severity in [postmortem].severities, resolved more than [postmortem].days before the
-- selection's end (or the as-of time when that is earlier), and with no action item filed by then.
CREATE OR REPLACE MACRO marts.postmortem_gaps(sel) AS TABLE
with

moment as (
    select least(sel['end'], a.as_of) as at_time, s.postmortem_severities as severities, s.postmortem_days as days
    from staging.stg_as_of as a
    cross join config.settings as s
)

select n.*, marts.days_between(n.resolved_at, m.at_time) as days_since_resolved
from marts.incidents as n
cross join moment as m
where marts.in_selection(sel, n)
  and list_contains(m.severities, n.severity)
  and n.resolved_at <= m.at_time - to_days(m.days)
  and not exists (select 1 from marts.action_items as a
                  where a.incident_key = n.issue_key and a.created_at <= m.at_time);
