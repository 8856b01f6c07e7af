"""Jira text shown as text. Summaries are written by anyone with a Jira account; in Markdown a
summary such as [x](javascript:...) or <img onerror=...> must stay inert, and a web or mail address
must not become a link the dashboard seems to vouch for."""
from __future__ import annotations

import re

# Every ASCII punctuation character may be backslash-escaped in CommonMark and then renders as
# itself, so escaping all that matter leaves no link, emphasis, HTML tag or entity (&lt;) alive.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&\"'])")

# GitHub-flavoured Markdown links bare addresses (http://, https://, www., name@host) by searching
# the text after escapes are resolved, so escaping cannot stop it. An invisible WORD JOINER inside
# each pattern does: the reader sees the address as typed, and nothing matches.
_WORD_JOINER = "\u2060"
_AUTOLINKED = re.compile(r"(?i)(?<=https:)(?=//)|(?<=http:)(?=//)|(?<=www)(?=\.)|(?<=@)")


def plain(text) -> str:
    """Escape Jira text for st.markdown/st.caption so it shows exactly as typed."""
    if text is None:
        return ""
    unlinked = _AUTOLINKED.sub(_WORD_JOINER, str(text))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", unlinked)
