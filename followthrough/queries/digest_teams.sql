-- The teams a digest may be for: every team with an item or incident in the selection ("(none)"
-- for those without one), as the team filter names them.
select distinct coalesce(team, '(none)') as team from marts.selected_targets($sel)
union
select distinct coalesce(team, '(none)') from marts.postmortem_gaps($sel)
order by team
