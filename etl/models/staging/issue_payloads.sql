-- materialize: temp view
-- Every stored issue version as Jira-shaped JSON, whatever it came from. The one place the models
-- read issue payloads: issues from sync and JSON files as stored, rows of CSV exports as
-- staging/csv_payloads.sql shapes them. Only rows of complete loads count: a load that failed or
-- was killed is left out until a resumed sync completes its run. And only the configured site's
-- (an import is of the site configured when it ran; one of no known site is of every site): issue
-- ids repeat across sites, so two sites' issues would merge. `python -m etl status` lists both.
with kept as (
    select load_id from raw.complete_loads
    -- The same condition as issue_documents' for retirements.
    where site is null or site = coalesce(nullif((select site_url from config.settings), ''), site)
)
select seq, load_id, fetched_at, issue_id, issue_key, issue_updated, payload
from raw.raw_issues
where load_id in (select load_id from kept)
union all
select seq, load_id, fetched_at, issue_id, issue_key, issue_updated, payload
from csv_payloads
where load_id in (select load_id from kept)
