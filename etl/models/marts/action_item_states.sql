-- Every action item's state now, i.e. at the as-of time: what `status` and the Data health page
-- count, what the drill-down tables show when no period end applies, and what every selection
-- ending at or after the as-of time reads instead of computing it again (marts.action_items_at).
select * from marts.states_at((select as_of from staging.stg_as_of), false)
