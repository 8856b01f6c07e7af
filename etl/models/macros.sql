-- Helpers shared by the models. The parsing helpers are temporary: they exist only while a build
-- runs. days_between is kept in the published file because the marts' macros use it there.

-- Jira writes 2020-06-12T08:13:13.360+0800. Anything else becomes NULL here and is quarantined by
-- the model that needs it. The shape is checked first because DuckDB's cast is lenient: it
-- reads "0" as year 0 and accepts offsets no time zone has.
CREATE OR REPLACE TEMP MACRO jira_ts(t) AS
    CASE WHEN regexp_full_match(t, '\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)?(?:Z|[+-](?:0\d|1[0-4]):?[0-5]\d)?')
         THEN try_cast(t AS TIMESTAMPTZ) AT TIME ZONE 'UTC' END;

-- Changelog `created` is ISO text from search and per-issue pages, epoch milliseconds from bulkfetch.
-- try_cast although the branch is guarded: DuckDB 2.0 can evaluate it on text when `j` is a field
-- of an unnested struct.
CREATE OR REPLACE TEMP MACRO jira_ts_any(j) AS
    CASE WHEN json_type(j) IN ('UBIGINT', 'BIGINT', 'DOUBLE')
         THEN make_timestamp(CAST(try_cast(j AS DOUBLE) * 1000 AS BIGINT))
         ELSE jira_ts(j ->> '$') END;

-- One changelog history as the models read it, typed once: histories arrive inline in the issue
-- and from the changelog endpoints, and both are parsed by this one shape. A value of another
-- type becomes NULL instead of failing the build; `created` stays JSON, being text or epoch.
CREATE OR REPLACE TEMP MACRO jira_history_type() AS
    '{"id": "VARCHAR", "created": "JSON", "author": {"displayName": "VARCHAR", "name": "VARCHAR"},
      "items": [{"field": "VARCHAR", "fieldId": "VARCHAR", "from": "VARCHAR", "fromString": "VARCHAR",
                 "to": "VARCHAR", "toString": "VARCHAR"}]}';

CREATE OR REPLACE MACRO marts.days_between(a, b) AS
    epoch(b - a) / 86400.0;
