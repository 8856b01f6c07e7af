-- materialize: macro
-- Every action item that existed at a moment, held to its target (marts.targets_then). Called
-- with the as-of time and with a period's end, like action_items_at; the states at the as-of time
-- are computed once, at publish (marts.action_item_target_states).
CREATE OR REPLACE MACRO marts.targets_at(at_time) AS TABLE
select * from marts.action_item_target_states
where at_time = {{as_of}}
union all by name
select * from marts.targets_then(at_time, at_time = {{as_of}});
