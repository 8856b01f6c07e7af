"""One look for every chart: severity and class colours, units, number formats."""
from __future__ import annotations

import math

# Red to blue by urgency, distinguishable with the common colour-vision deficiencies.
SEVERITY_COLORS = {"SEV-1": "#b2182b", "SEV-2": "#ef8a62", "SEV-3": "#67a9cf", "SEV-4": "#2166ac",
                   "(none)": "#969696"}
SEVERITY_ORDER = ["SEV-1", "SEV-2", "SEV-3", "SEV-4", "(none)"]
CLASS_COLORS = {"strategic": "#7b3294", "operational": "#008837", "unclassified": "#969696"}
CLASS_ORDER = ["strategic", "operational", "unclassified"]
PLOTLY_CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d"]}


def layout(fig, *, x_title: str | None = None, y_title: str | None = None, height: int = 360):
    """Shared layout: units in axis titles, legend on top, no wasted margins."""
    fig.update_layout(height=height, margin=dict(l=10, r=10, t=40, b=10), legend_title_text="",
                      legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0), hovermode="closest")
    if x_title is not None:
        fig.update_xaxes(title_text=x_title)
    if y_title is not None:
        fig.update_yaxes(title_text=y_title)
    return fig


def number(value, digits: int = 0, suffix: str = "") -> str:
    """A figure for a headline: a dash for no data rather than 'nan' or '0'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:,.{digits}f}{suffix}"


def percent(value) -> str:
    return number(None if value is None else value * 100, 0, "%")


def duration_days(value) -> str:
    """Durations under two days read better in hours."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value * 24:,.1f} h" if value < 2 else f"{value:,.1f} d"
