"""One redactor for every text that leaves the ETL: log lines, errors, the terminal, stored rows.

Secrets are the values of the credential variables (from the environment or `.env`) and any value
registered at run time. A Jira error page or a proxy's sign-in page may echo a token, raw or inside
a Basic authorization header, so both forms are removed wherever they appear.
"""
from __future__ import annotations

import base64
import logging
import os
import sys
from contextlib import contextmanager
from typing import TextIO

# Every variable that may hold a secret, for Jira and for delivering digests.
SECRET_NAMES = ("JIRA_API_TOKEN", "JIRA_PAT", "FOLLOWTHROUGH_SLACK_WEBHOOK", "FOLLOWTHROUGH_SMTP_PASSWORD")
MASK = "[redacted]"
# Shorter values would match ordinary words; no real token is this short.
MIN_SECRET_CHARS = 6

_registered: set[str] = set()


def register(*secrets: str) -> None:
    """Adds secrets read from somewhere other than the environment (`.env`, Streamlit secrets)."""
    _registered.update(s for s in secrets if s and len(s) >= MIN_SECRET_CHARS)


def register_basic(user: str, secret: str) -> None:
    """A user and token sent as HTTP Basic: the header's base64 form is a secret too."""
    if secret:
        register(secret, base64.b64encode(f"{user}:{secret}".encode()).decode())


def _secrets() -> list[str]:
    found = set(_registered)
    found.update(v for name in SECRET_NAMES if len(v := os.environ.get(name, "")) >= MIN_SECRET_CHARS)
    # Longest first, so a secret that contains another is removed whole.
    return sorted(found, key=len, reverse=True)


def redact(text: str) -> str:
    for secret in _secrets():
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class _RedactingStream:
    """A terminal stream that redacts what is written to it: the CLI's messages, and progress bars
    drawn by libraries that were handed the stream."""

    def __init__(self, stream: TextIO):
        self._stream = stream

    def write(self, text: str) -> int:
        return self._stream.write(redact(text))

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _redacted_record(factory):
    def make(*args, **kwargs) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        # Formatted here, once, so that no handler (a file, the terminal, a test's) sees the secret;
        # a traceback too, which handlers would otherwise format from the exception itself.
        record.msg, record.args = redact(record.getMessage()), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return record
    return make


@contextmanager
def redacted_output():
    """For the length of a command: stdout, stderr and every log record pass through `redact`."""
    streams = sys.stdout, sys.stderr
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(_redacted_record(factory))
    sys.stdout, sys.stderr = _RedactingStream(streams[0]), _RedactingStream(streams[1])
    try:
        yield
    finally:
        sys.stdout, sys.stderr = streams
        logging.setLogRecordFactory(factory)
