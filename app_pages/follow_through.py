"""Follow-through: time to close action items, filed against closed, and what is overdue."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.text import plain
from followthrough.views import follow_through, targets

filters = active_filters()
st.title("Follow-through")
st.caption(plain(filters.describe()))
if follow_through.time_to_close(filters):
    follow_through.burn_up(filters)
    follow_through.overdue(filters)
    targets.follow_through(filters)
