"""Strategic stalls: strategic action items that stopped moving, where their time goes, and what waiting costs."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.text import plain
from followthrough.views import stalls, targets

filters = active_filters()
st.title("Strategic stalls")
st.caption(plain(filters.describe()))
open_items = stalls.summary(filters)
if open_items is not None:
    stalls.stalled(filters)
    stalls.status_time(filters)
    targets.stalls(filters)
if open_items:
    stalls.aging(filters)
    stalls.unowned(filters)
