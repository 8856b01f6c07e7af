-- Everything that was received but could not be used, with the reason: records refused while
-- loading (not JSON, not an issue) and issues the models refused (missing or malformed fields).
select
    l.kind as load_kind,
    l.source,
    l.started_at as loaded_at,
    r.origin,
    null as issue_key,
    r.reason,
    r.excerpt
from raw.raw_rejects as r
join kept_loads as l using (load_id)

union all

select
    l.kind,
    l.source,
    l.started_at,
    'issue ' || coalesce(r.issue_key, r.issue_id, 'in row ' || r.seq),
    r.issue_key,
    r.reject_reason,
    left(p.payload::varchar, 300)
from staging.stg_issue_rejects as r
join kept_loads as l using (load_id)
join issue_payloads as p using (seq)
