"""Jira text shown as text. Summaries are written by anyone with a Jira account; in Markdown a
summary such as [x](javascript:...) or <img onerror=...> must stay inert."""
from __future__ import annotations

import html
import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def plain(text) -> str:
    """Escape Jira text for st.markdown/st.caption: HTML entities and every Markdown control character."""
    if text is None:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", html.escape(str(text), quote=True))
