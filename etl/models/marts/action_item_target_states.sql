-- Every action item held to its target now, i.e. at the as-of time (marts.targets_then): what
-- every selection ending at or after the as-of time reads instead of computing it again
-- (marts.targets_at). Joining each item to its target and slips per query cost the pages that
-- show targets, owners and stalls most of their time at 1,000,000 issues.
select * from marts.targets_then((select as_of from staging.stg_as_of), false)
