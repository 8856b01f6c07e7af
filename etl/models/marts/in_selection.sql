-- materialize: macro
-- The dashboard's filters: an empty selection means everything; a missing value is "(none)" so
-- it can be chosen, and counted, like any other.
CREATE OR REPLACE MACRO marts.in_selection(value, chosen) AS
    len(CAST(chosen AS VARCHAR[])) = 0
    OR list_contains(CAST(chosen AS VARCHAR[]), coalesce(value, '(none)'));
