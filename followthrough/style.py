"""One look for every chart: severity and class colours, units, number formats."""
from __future__ import annotations

import math

import pandas as pd

# Red to blue by urgency, distinguishable with the common colour-vision deficiencies.
SEVERITY_COLORS = {"SEV-1": "#b2182b", "SEV-2": "#ef8a62", "SEV-3": "#67a9cf", "SEV-4": "#2166ac",
                   "(none)": "#969696"}
SEVERITY_ORDER = ["SEV-1", "SEV-2", "SEV-3", "SEV-4", "(none)"]
CLASS_COLORS = {"strategic": "#7b3294", "operational": "#008837", "unclassified": "#969696"}
CLASS_ORDER = ["strategic", "operational", "unclassified"]
# Tables ship at most this many rows to the browser; the queries return the total beside them.
ROW_LIMIT = 200
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}
# Plotly puts automatic ticks at halves on short ranges; up to this many, counts get one per unit.
UNIT_TICKS_UP_TO = 10


def layout(fig, *, x_title: str | None = None, y_title: str | None = None, height: int = 360):
    """Shared layout: units in axis titles, legend on top, no wasted margins. The top margin is the
    legend's room, so a chart without a legend does not start under an empty band."""
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40 if _has_legend(fig) else 10, b=10),
                      legend_title_text="", legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
                      hovermode="closest")
    # Margins grow to hold tick labels and axis titles, the titles set off from the ticks: without
    # it a chart drawn outside Streamlit's theme (the HTML report) cuts both and lays one over the other.
    fig.update_xaxes(automargin=True, title_standoff=8)
    fig.update_yaxes(automargin=True, title_standoff=8, ticklabelstandoff=6)
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


# Category names longer than this are cut on an axis, the whole name kept for the hover.
LABEL_CHARS = 22


def short_labels(names):
    """Category names short enough for an axis, cut with an ellipsis; two names that would cut to
    the same label keep their whole names, so no two categories merge."""
    names = pd.Series(names, dtype=object)
    cut = names.map(lambda name: name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS - 1].rstrip() + "…")
    return cut.where(cut.map(cut.value_counts()) == 1, names)


def _has_legend(fig) -> bool:
    # Plotly's rule: a legend when two traces would be listed in it, or one asks to be; a
    # heatmap's scale is its colour bar.
    listed = [t for t in fig.data if t.type != "heatmap" and t.showlegend is not False]
    return len(listed) > 1 or any(t.showlegend for t in listed)


def count_ticks(largest) -> dict:
    """Axis or colour-bar settings for a count: whole numbers only, whatever the range."""
    few = largest is None or (isinstance(largest, float) and math.isnan(largest)) or largest <= UNIT_TICKS_UP_TO
    return {"tickformat": ",d", **({"dtick": 1} if few else {})}


def number(value, digits: int = 0, suffix: str = "") -> str:
    """A figure for a headline: a dash for no data rather than 'nan' or '0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def counted(value, noun: str, plural: str | None = None) -> str:
    """A count with its noun, singular for one: '1 incident', '3 incidents'."""
    return f"{number(value)} {noun if value == 1 else plural or noun + 's'}"


def percent(value) -> str:
    """A share in whole percent; below 1 % and just short of 100 % with one decimal, and never
    rounded to 0 % or 100 % when it is neither none nor all: "<0.1%", ">99.9%" at the extremes."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    shown = value * 100
    if 0 < shown < 0.05:
        return "<0.1%"
    if 99.95 <= shown < 100:
        return ">99.9%"
    return number(shown, 1 if 0 < shown < 1 or 99.5 <= shown < 100 else 0, "%")


def duration_unit(days) -> str:
    """Durations under two days read better in hours."""
    return "h" if days < 2 else "d"


def duration_days(value, unit: str | None = None) -> str:
    """A duration given in days, in hours under two days; `unit` ("h" or "d") forces one."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    unit = unit or duration_unit(value)
    return f"{value * 24:,.1f} h" if unit == "h" else f"{value:,.1f} d"


def duration_change(now, before) -> str | None:
    """The change between two durations in the unit `now` is shown in, signed; None when it
    rounds to nothing."""
    unit = duration_unit(now)
    shown = duration_days(abs(now - before), unit)
    if shown == duration_days(0, unit):
        return None
    return ("-" if now < before else "+") + shown


def figure_text(kind: str, value) -> str:
    """A headline figure of a kind: "count", "duration" (in days) or "share"."""
    return {"count": number, "duration": duration_days, "share": percent}[kind](value)


def change(kind: str, now, before) -> str | None:
    """The change from `before` to `now` in the unit the figure is shown in: a signed count,
    percentage points for a share, hours or days for a duration; None when it rounds to nothing."""
    if kind == "count":
        return f"{now - before:+,.0f}" if round(now - before) else None
    if kind == "share":
        points = (now - before) * 100
        return f"{points:+.0f} pts" if round(points) else None
    return duration_change(now, before)
