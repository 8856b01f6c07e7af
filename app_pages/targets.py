"""Owners and teams: what each owes at the period's end, whose items are past target, and the incidents without a post-mortem."""
import streamlit as st

from followthrough.filters import active_filters
from followthrough.text import plain
from followthrough.views import owners

filters = active_filters()
st.title("Owners and teams")
st.caption(plain(filters.describe()))
if owners.accountability(filters, "team"):
    owners.accountability(filters, "owner")
owners.postmortem_gaps(filters)
