"""What a page shows before the viewer chooses anything. The pages open their widgets on these, and
followthrough/stored.py computes the views they give at publish time; both read them here, free of
Streamlit, so the stored views cannot drift from the pages."""
from __future__ import annotations

from collections.abc import Iterable

TREND_GRAIN = "week"
OWNER_FIGURE = "open"
EXPLORER_STATUS = "all"


def opening_quarter(complete: Iterable[bool]) -> int:
    """Of the quarters newest first, given whether each is complete: the last complete one, else the
    newest."""
    return next((i for i, is_complete in enumerate(complete) if is_complete), 0)
