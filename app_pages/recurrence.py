"""Recurrence: incidents that repeat an earlier one, by service and month, and whether its fixes were open."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.text import plain
from followthrough.views import recurrence

filters = active_filters()
st.title("Recurrence")
st.caption(plain(filters.describe()))
if recurrence.summary(filters):
    charted = recurrence.by_service(filters)
    recurrence.heatmap(filters, charted)
    recurrence.repeats(filters)
