"""The frame's warning that the published file was built by another version of the code."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from followthrough import build_version
from followthrough.db import query


def warn_if_outdated() -> None:
    """On every page: a file the upgraded code did not build shows the old version's figures, and
    a page may fail on a column the file lacks; the reader should know before reading either."""
    published = query("health_build").iloc[0].get("build_version")
    if not build_version.is_current(None if pd.isna(published) else published):
        st.warning(build_version.OUTDATED, icon=":material/update:")
