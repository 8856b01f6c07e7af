-- Every action item's state now, i.e. at the as-of time: what `status` and the Data health page
-- count, and what the drill-down tables show when no period end applies.
select * from marts.action_items_at((select as_of from staging.stg_as_of))
