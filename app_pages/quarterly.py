"""Quarterly review: a quarter against the one before, a summary of it, and a report to take away."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.views import quarterly

filters = active_filters()
st.title("Quarterly review")
review = quarterly.pick_quarter(filters)
if review and quarterly.headline(review):
    quarterly.summary(review)
    quarterly.charts(review)
    quarterly.targets(review)
    quarterly.stalled(review)
    quarterly.services_table(review)
    quarterly.rows_behind(review)
    quarterly.downloads(review)
