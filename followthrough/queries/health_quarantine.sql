-- Records received but not used, with why, newest load first, at most $limit; total_rows counts
-- them all.
select
    loaded_at,
    load_kind,
    source,
    origin,
    issue_key,
    reason,
    excerpt,
    count(*) over () as total_rows
from marts.quarantine
order by loaded_at desc, origin
limit $limit
