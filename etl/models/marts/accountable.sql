-- materialize: macro
-- Whom an item is owed by, for the owner and team tables: per = 'owner' gives its assignee or
-- "no owner", per = 'team' its team or "(none)", as the filters name a missing team.
CREATE OR REPLACE MACRO marts.accountable(per, owner, team) AS
    CASE WHEN per = 'team' THEN coalesce(team, '(none)') ELSE coalesce(owner, 'no owner') END;
