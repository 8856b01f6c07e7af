"""Data health: where the data came from, and what is missing from the figures and how to fix it."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.views import data_health

st.title("Data health")
data_health.scope(active_filters())
data_health.provenance()
data_health.checks()
data_health.quarantine()
