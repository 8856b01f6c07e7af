-- The moment every figure is computed at: open items are aged and censored to it. It is when the
-- newest data was fetched (not when the build ran), so the same data always gives the same numbers.
select coalesce(
    (select as_of_override from config.settings),
    (select max(fetched_at) from issue_payloads),
    timestamp '1970-01-01'
) as as_of
