"""Just enough JQL for what a sync sends: the configured queries (taken as "every issue not moved
out"), `updated >=`, `created >=` and `created <` bounds read in the user's time zone, and the
fixed ordering, oldest first or (for finding the newest issue) newest first."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

ORDER = " ORDER BY created ASC, key ASC"
NEWEST_FIRST = " ORDER BY created DESC, key DESC"
_BOUND = re.compile(r' AND (updated >=|created >=|created <) "(\d{4})[-/](\d\d)[-/](\d\d) (\d\d):(\d\d)"')


class JqlError(ValueError):
    pass


def parse(jql: str, base: str, zone: ZoneInfo, *, ordered: bool) -> tuple[dict[str, datetime], bool]:
    """The bounds of a query, as aware datetimes keyed by field and operator ("created <"), and
    whether it asks for the newest first."""
    newest_first = False
    if ordered:
        if jql.endswith(NEWEST_FIRST):
            newest_first, jql = True, jql[:-len(NEWEST_FIRST)]
        elif jql.endswith(ORDER):
            jql = jql[:-len(ORDER)]
        else:
            raise JqlError(f"the fake site needs{ORDER}")
    if not jql.startswith(base):
        raise JqlError(f"the fake site only knows {base}")
    bounds, rest = {}, jql[len(base):]
    while rest:
        match = _BOUND.match(rest)
        if not match:
            raise JqlError(f"the fake site cannot read {rest!r}")
        year, month, day, hour, minute = map(int, match.groups()[1:])
        bounds[match[1]] = datetime(year, month, day, hour, minute, tzinfo=zone)
        rest = rest[match.end():]
    return bounds, newest_first
