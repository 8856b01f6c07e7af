-- materialize: macro
-- Every action item that existed at a moment, in the state it was in then (marts.states_at).
-- Called with the as-of time for "now" and with a period's end for "then", so both use one
-- definition. The states at the as-of time are computed once, at publish (marts.action_item_states):
-- most selections end there, and computing them per query made every page pay for the changelog.
CREATE OR REPLACE MACRO marts.action_items_at(at_time) AS TABLE
select * from marts.action_item_states
where at_time = {{as_of}}
union all by name
select * from marts.states_at(at_time, at_time = {{as_of}});
