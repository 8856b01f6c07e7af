-- Recurrence in the period: incidents that repeat an earlier one (see marts.recurrences), their
-- share of the period's incidents, and how many came back while the earlier incident's action
-- items were still open.
with

incidents as (
    select issue_key from marts.selected_incidents($sel)
),

repeats as (
    select * from marts.recurrences where issue_key in (select issue_key from incidents)
)

select
    (select count(*) from incidents) as incidents,
    (select count(*) from repeats) as recurrences,
    (select count(*) from repeats) / nullif((select count(*) from incidents), 0) as recurrence_rate,
    (select count(*) filter (where reason = 'linked as a repeat') from repeats) as linked,
    (select count(*) filter (where recurred_while_open) from repeats) as while_open,
    (select count(*) filter (where recurred_while_open) from repeats)
        / nullif((select count(*) from repeats), 0) as share_while_open
