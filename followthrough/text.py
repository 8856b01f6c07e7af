"""Jira text shown as text. Summaries are written by anyone with a Jira account; in Markdown a
summary such as [x](javascript:...) or <img onerror=...> must stay inert."""
from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark and then renders as
# itself, so escaping all that matter leaves no link, emphasis, HTML tag or entity (&lt;) alive.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'])")


def plain(text) -> str:
    """Escape Jira text for st.markdown/st.caption so it shows exactly as typed."""
    if text is None:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text))
