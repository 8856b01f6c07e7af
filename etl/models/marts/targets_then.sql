-- materialize: macro
-- Every action item that existed at a moment, in its state then (marts.states_at), held to its
-- target and to what a strategic item owes: met_target (true or false once it is done or its target has
-- passed, NULL while open and not yet due, when dropped, and with no target), breached (open past its target),
-- near its target ([targets].near_days), its due date's slips up to the moment, when it stalled,
-- whether it was handed over, and whether it states a risk. marts.targets_at reads it, or the
-- states stored for the as-of time (marts.action_item_target_states), and passes `skip` true when
-- those are stored, so that no item is read twice. It reads the states from marts.states_at, not
-- marts.action_items_at: the states stored for the as-of time are these very rows' columns
-- (marts.action_item_states), so they are written once.
CREATE OR REPLACE MACRO marts.targets_then(at_time, skip) AS TABLE
with

items as (
    select s.*, t.* exclude (issue_key, issue_id)
    from marts.states_at(at_time, skip) as s
    join marts.action_item_targets as t using (issue_key)
),

slips as (
    select issue_id, count(*) as due_date_slips, sum(days_later) as days_slipped
    from marts.due_date_slips
    where changed_at <= at_time and not skip
    group by all
),

settings as (
    select targets_near_days as near_days, handover_days from config.settings
)

select
    i.*,
    -- A dropped item was a decision, not follow-through: it is neither met nor missed.
    case when not i.is_open and i.outcome = 'dropped' then null
         when not i.is_open then i.closed_at <= i.target_at
         when i.target_at <= at_time then false end as met_target,
    coalesce(i.is_open and i.target_at <= at_time, false) as is_breached,
    case when i.is_open and i.target_at <= at_time then marts.days_between(i.target_at, at_time) end
        as days_past_target,
    case when i.is_open and i.target_at > at_time then marts.days_between(at_time, i.target_at) end
        as days_to_target,
    coalesce(i.is_open and i.target_at > at_time and i.target_at <= at_time + to_days(s.near_days), false)
        as is_near_target,
    coalesce(l.due_date_slips, 0) as due_date_slips,
    coalesce(l.days_slipped, 0) as days_slipped,
    -- Idle since it was filed (never started) or since its last status change, for longer than
    -- its class's threshold: the moment it stalled.
    case when i.is_stalled
         then (case when i.never_started then i.created_at
                    else coalesce(i.last_status_change_at, i.created_at) end) + to_days(i.stall_threshold_days)
    end as stalled_since,
    -- Still with the incident's assignee (by account where both have one, else by name), or with
    -- nobody: the on-call engineer who filed it has no mandate to put it on a roadmap.
    i.class = 'strategic' and i.is_open and i.days_open > s.handover_days
        and (i.owner is null and i.owner_id is null
             or coalesce(i.owner_id = i.incident_assignee_id, i.owner = i.incident_assignee, false))
        as not_handed_over,
    i.class = 'strategic' and i.risk_configured and i.risk is null as missing_risk
from items as i
cross join settings as s
left join slips as l using (issue_id)
