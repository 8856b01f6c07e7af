"""Incident explorer: search the incidents, then follow one through its timeline, action items and repeats."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.text import plain
from followthrough.views import explorer

filters = active_filters()
st.title("Incident explorer")
st.caption(plain(filters.describe()))
explorer.incident(explorer.search(filters), filters)
