-- materialize: macro
-- The dashboard's selection, one struct built by followthrough/filters.py: the period [start, end)
-- and a list of chosen values per filter dimension. An empty list means everything; a missing
-- value is "(none)" so it can be chosen, and counted, like any other. `r` is the row (a table's
-- name or alias) with created_at and a column per dimension: a new dimension is a line here.
CREATE OR REPLACE MACRO marts.in_selection(sel, r) AS
    r.created_at >= sel['start'] AND r.created_at < sel['end']
    AND marts.chosen(sel['severity'], r.severity)
    AND marts.chosen(sel['service'], r.service)
    AND marts.chosen(sel['team'], r.team);
