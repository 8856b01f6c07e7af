-- What this database was built from and as of when: shown by `status` and the Data health page.
select
    a.as_of,
    now()::timestamp as built_at,
    (select list(distinct kind order by kind) from kept_loads) as load_kinds,
    (select list(distinct source order by source) from kept_loads) as sources,
    (select bool_and(kind = 'demo') from kept_loads) as is_demo,
    (select max(finished_at) from kept_loads) as last_load_at,
    (select config_path from config.settings) as config_path,
    (select count(*) from marts.issues) as issues,
    (select count(*) from marts.incidents) as incidents,
    (select count(*) from marts.action_items) as action_items,
    (select count(*) from marts.quarantine) as quarantined,
    -- Which version of the code built this file: a digest of the models (followthrough/build_version.py).
    {{build_version}} as build_version
from staging.stg_as_of as a
