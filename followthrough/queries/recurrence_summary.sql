-- Recurrence in the period: incidents that repeat an earlier one (marts.repeats: evidence that
-- counts), their share of the period's incidents, how many came back while an earlier incident's
-- action items were still open, and apart from them the returns on the same service alone.
with

incidents as (
    select issue_key from marts.selected_incidents($sel)
),

returns as (
    select * from marts.recurrences where issue_key in (select issue_key from incidents)
),

repeats as (
    select * from returns where counts_as_repeat
)

select
    (select count(*) from incidents) as incidents,
    (select count(*) from repeats) as recurrences,
    (select count(*) from repeats) / nullif((select count(*) from incidents), 0) as recurrence_rate,
    (select count(*) filter (where evidence = 'link') from repeats) as linked,
    (select count(*) filter (where evidence = 'same_cause') from repeats) as same_cause,
    (select count(*) filter (where evidence = 'similar_summary') from repeats) as similar_summary,
    (select count(*) filter (where not counts_as_repeat) from returns) as same_service_only,
    (select count(*) filter (where recurred_while_open) from repeats) as while_open,
    (select count(*) filter (where recurred_while_open) from repeats)
        / nullif((select count(*) from repeats), 0) as share_while_open
