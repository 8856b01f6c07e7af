"""`python -m etl report`: the quarterly review pack as files, for cron and a mail, written by the
same code as the Quarterly review page's downloads (followthrough/review.py); with --incident, one
incident's follow-up update, as the Incident explorer's downloads give it
(followthrough/incident_update.py).

Read from the published database only; a quarter, filter value or incident that is not in it is a
one-line error naming what there is.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace
from pathlib import Path

from etl.errors import UserError

_QUARTER = re.compile(r"^(\d{4})\s*-?\s*Q([1-4])$", re.IGNORECASE)


def report_command(quarter: str, out: Path, severity: list[str], service: list[str], team: list[str]) -> int:
    # Streamlit's caches warn that no app is running, which is how this command runs them.
    from streamlit.logger import set_log_level
    set_log_level(logging.ERROR)
    from followthrough import review
    from followthrough.db import NoDatabase, QueryFailed
    from followthrough.filters import DIMENSIONS, Filters, filter_options

    try:
        options = filter_options()
        chosen = _quarter(quarter, review.quarters())
        wanted = {"severity": severity, "service": service, "team": team}
        for name, label in DIMENSIONS:
            unknown = [v for v in wanted[name] if v not in options[name]]
            if unknown:
                raise UserError(f"no {label.lower()} {', '.join(map(repr, unknown))} in the published data; "
                                f"there is {', '.join(map(repr, options[name])) or 'none'}")
        filters = replace(Filters(chosen.start.date(), chosen.start.date(), options["as_of"]),
                          **{name: tuple(dict.fromkeys(values)) for name, values in wanted.items()})
        files = review.files(review.gather(chosen, filters))
    except (NoDatabase, QueryFailed) as exc:
        raise UserError(str(exc)) from None
    return _write(files, out)


def incident_command(key: str, out: Path) -> int:
    """One incident's update as of the published data's as-of time, the one the explorer shows."""
    from streamlit.logger import set_log_level
    set_log_level(logging.ERROR)
    from followthrough import incident_update
    from followthrough.db import NoDatabase, QueryFailed
    from followthrough.filters import filter_options

    try:
        files = incident_update.files(incident_update.gather(key.strip(), filter_options()["as_of"]))
    except incident_update.UnknownIncident as exc:
        raise UserError(f"--incident: {exc}") from None
    except (NoDatabase, QueryFailed) as exc:
        raise UserError(str(exc)) from None
    return _write(files, out)


def _write(files: dict[str, bytes], out: Path) -> int:
    # Everything is built before the folder is touched: a failure leaves no half-written report.
    out.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
        print(out / name)
    return 0


def _quarter(text: str, quarters) -> object:
    match = _QUARTER.match(text.strip())
    if not match:
        raise UserError(f"--quarter {text!r} is not a quarter: write it as 2026Q3")
    label = f"{match[1]} Q{match[2]}"
    found = next((q for q in quarters if q.label == label), None)
    if found is None:
        have = ", ".join(q.label.replace(" ", "") for q in quarters) or "none"
        raise UserError(f"no incident or action item was filed in {label.replace(' ', '')}; quarters with data: {have}")
    return found
