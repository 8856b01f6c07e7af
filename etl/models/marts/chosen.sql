-- materialize: macro
-- One filter dimension of the selection: an empty list of chosen values means everything, and a
-- missing value is "(none)" so it can be chosen like any other.
CREATE OR REPLACE MACRO marts.chosen(chosen, value) AS
    len(CAST(chosen AS VARCHAR[])) = 0
    OR list_contains(CAST(chosen AS VARCHAR[]), coalesce(value, '(none)'));
