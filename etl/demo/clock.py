"""Time in the demo: milliseconds since the epoch inside, Jira's text on the way out."""
from __future__ import annotations

from datetime import date

MINUTE = 60_000
HOUR = 3_600_000
DAY = 86_400_000
NEVER = 1 << 62                        # later than any instant: "not closed (yet)"

# A large demo writes millions of timestamps: the date part is made once per day and the time
# of day looked up, rather than formatted by datetime every time.
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_DATE_TEXT: dict[int, str] = {}
_HH_MM = tuple(f"T{h:02d}:{m:02d}:" for h in range(24) for m in range(60))
_SS_MMM = tuple(f"{s:02d}.{ms:03d}" for s in range(60) for ms in range(1000))


def _day_text(day: int) -> str:
    text = _DATE_TEXT.get(day)
    if text is None:
        text = _DATE_TEXT[day] = date.fromordinal(_EPOCH_ORDINAL + day).isoformat()
    return text


def jira_time(ms: int, user) -> str:
    """Jira's `2025-03-04T10:12:00.000+0100` for an instant, as the user's clock shows it."""
    day, rest = divmod(ms + user.offset, DAY)
    minute, rest = divmod(rest, MINUTE)
    return f"{_DATE_TEXT.get(day) or _day_text(day)}{_HH_MM[minute]}{_SS_MMM[rest]}{user.offset_text}"


def local_date(ms: int, user) -> str:
    """The calendar day of an instant in the user's zone, as Jira writes a due date."""
    return _day_text((ms + user.offset) // DAY)


def during_working_hours(ms: int, user) -> int:
    """The instant, or the next one inside the user's working day (09:00-19:00 local): people
    move their tickets when they are at work."""
    hour = ((ms + user.offset) // HOUR) % 24
    if hour < 9:
        return ms + (9 - hour) * HOUR
    if hour >= 19:
        return ms + (33 - hour) * HOUR
    return ms
