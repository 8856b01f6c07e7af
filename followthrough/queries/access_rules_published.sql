-- Whether the published file holds an allow-list: a file published before there was one has no
-- config.access_rules, which is "no allow-list", not a failure.
select count(*) > 0 as published
from duckdb_tables()
where database_name = current_database() and schema_name = 'config' and table_name = 'access_rules'
