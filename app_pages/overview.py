"""Overview: the period's headline figures against the period before, and the incident trend."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.text import plain
from followthrough.views import overview, targets

filters = active_filters()
st.title("Overview")
st.caption(plain(filters.describe()))
if overview.headline(filters):
    targets.overview(filters)
    overview.trend(filters)
    overview.rows_behind(filters)
