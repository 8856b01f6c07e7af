"""Followthrough: `streamlit run app.py`. Pages live in app_pages/, their data and charts in followthrough/.

Not pages/: Streamlit treats a pages/ folder as an old-style multipage app until st.navigation
has run once in the server, so a shared link opened first after a restart would run a page
without this file's sidebar filters.
"""
import logging

import streamlit as st

from followthrough import auth
from followthrough.db import NoDatabase, QueryFailed
from followthrough.filters import sidebar_filters
from followthrough.views.build_check import warn_if_outdated

logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
# An emoji, which the browser draws itself: a :material/...: page icon is fetched from Google's font
# server, and a self-hosted dashboard must not call out. The pages' icons come from the font
# Streamlit serves.
st.set_page_config(page_title="Followthrough", page_icon="✅", layout="wide")

PAGES = [
    st.Page("app_pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
    st.Page("app_pages/recurrence.py", title="Recurrence", icon=":material/replay:"),
    st.Page("app_pages/follow_through.py", title="Follow-through", icon=":material/task_alt:"),
    st.Page("app_pages/stalls.py", title="Strategic stalls", icon=":material/hourglass_bottom:"),
    st.Page("app_pages/targets.py", title="Owners and teams", icon=":material/groups:"),
    st.Page("app_pages/quarterly.py", title="Quarterly review", icon=":material/summarize:"),
    st.Page("app_pages/explorer.py", title="Incident explorer", icon=":material/search:"),
    st.Page("app_pages/data_health.py", title="Data health", icon=":material/health_and_safety:"),
]

# Before st.navigation, so that someone not let in sees no page names either.
if not auth.gate():
    st.stop()
page = st.navigation(PAGES)
try:
    st.session_state["filters"] = sidebar_filters()
    auth.signed_in_sidebar()
    warn_if_outdated()
    page.run()
except NoDatabase as exc:
    st.title("Followthrough")
    st.info(f"{exc} Build the demo with `python -m etl demo`, or load your own data with "
            "`python -m etl sync`, `import-json` or `import-csv` (see the README).")
except QueryFailed as exc:
    st.error(f"{exc} The details are in the dashboard's log.")
