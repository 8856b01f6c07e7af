"""Quarterly review: a quarter against the one before, a summary of it, and a report to take away."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.views import quarterly

filters = active_filters()
st.title("Quarterly review")
picked = quarterly.pick_quarter(filters)
figures = quarterly.headline(*picked) if picked else None
if figures:
    quarter, selection, previous = picked
    now, before = figures
    services = quarterly.recurring_services(selection)
    sentences = quarterly.summary(now, before, services, quarter, filters.as_of)
    charts = quarterly.charts(now, before, services, selection, previous, quarter)
    stalled = quarterly.stalled(selection)
    quarterly.services_table(services)
    incidents, items = quarterly.rows_behind(selection)
    quarterly.downloads(quarter, selection, now, before, sentences, charts, stalled, services, incidents, items)
