-- materialize: temp view
-- The latest live version of every issue, chosen from the columns stored beside each payload, so
-- no payload is read to choose. Retired issues (deleted in Jira or no longer matched by the JQL)
-- drop out unless fetched again after they were retired.
with

versions as (
    select
        seq,
        payload_md5,
        load_id,
        fetched_at,
        coalesce(issue_id, issue_key, 'row ' || seq) as identity,
        issue_id,
        issue_key,
        jira_ts(issue_updated) as updated_at
    from issue_payloads
),

latest as (
    select *
    from versions
    qualify row_number() over (
        partition by identity order by updated_at desc nulls last, fetched_at desc, seq desc) = 1
)

select latest.* exclude (identity)
from latest
where not exists (
    select 1 from raw.retired_issues as r
    where r.issue_id = latest.issue_id and r.retired_at >= latest.fetched_at
      -- Of the loads a publish counts: another site's retirement is of another issue.
      and r.load_id in (select load_id from kept_loads))
