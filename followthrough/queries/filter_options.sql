-- What the sidebar can offer: the values present in the data (missing ones as "(none)") and the
-- time span, with the as-of time that "now" means on every page.
select
    (select as_of from marts.build_info) as as_of,
    (select min(created_at) from marts.incidents) as first_incident_at,
    coalesce((select list(distinct coalesce(severity, '(none)') order by coalesce(severity, '(none)')) from marts.incidents), []) as severities,
    coalesce((select list(distinct coalesce(service, '(none)') order by coalesce(service, '(none)'))
              from (select service from marts.incidents union all select service from marts.action_items)), [])
        as services,
    coalesce((select list(distinct coalesce(team, '(none)') order by coalesce(team, '(none)'))
              from (select team from marts.incidents union all select team from marts.action_items)), [])
        as teams
