"""Jira credentials come from the environment or a git-ignored `.env`, never from the config file.

The config file is meant to be shared and committed; a token in it would leak. Tokens are kept out
of every repr so that a stray log line or traceback cannot print them.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from datapaths import DOTENV
from etl.errors import UserError
from etl.redact import register, register_basic

NAMES = ("JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT")


@dataclass(frozen=True)
class Credentials:
    email: str = ""
    api_token: str = field(default="", repr=False)
    pat: str = field(default="", repr=False)

    @property
    def basic(self) -> tuple[str, str] | None:
        return (self.email, self.api_token) if self.email and self.api_token else None

    def register(self) -> "Credentials":
        """Tells the redactor these secrets, and the Basic header made of them: it knows the
        environment's by itself, not those read from a file or given in code."""
        register_basic(self.email, self.api_token)
        register(self.pat)
        return self


def load_credentials(environ: dict | None = None, dotenv: Path | None = None) -> Credentials:
    """The environment wins over `.env`, so a one-off `JIRA_PAT=... python -m etl sync` works."""
    environ = os.environ if environ is None else environ
    values = _read_dotenv(dotenv or DOTENV)
    values.update({k: environ[k] for k in NAMES if environ.get(k)})
    return Credentials(email=values.get("JIRA_EMAIL", "").strip(),
                       api_token=values.get("JIRA_API_TOKEN", "").strip(),
                       pat=values.get("JIRA_PAT", "").strip()).register()


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        # An editor on Windows may save it with a byte-order mark, which would hide the first name.
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path} is not UTF-8 text (byte {exc.start:,}): save it as UTF-8") from None
    except OSError as exc:
        raise UserError(f"{path} cannot be read: {exc.strerror}") from None
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), _value(value.strip())
        if name in NAMES:
            values[name] = value
    return values


def _value(text: str) -> str:
    """A quoted value is what the quotes hold; an unquoted one ends where ` #` starts a comment,
    as in a shell. A `#` inside a token (tok#en) is part of it."""
    if text[:1] in ("'", '"'):
        end = text.find(text[0], 1)
        if end > 0:
            return text[1:end]
    return re.split(r"\s+#", text, maxsplit=1)[0].strip()
