"""Jira credentials come from the environment or a git-ignored `.env`, never from the config file.

The config file is meant to be shared and committed; a token in it would leak. Tokens are kept out
of every repr so that a stray log line or traceback cannot print them.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from datapaths import DOTENV

NAMES = ("JIRA_EMAIL", "JIRA_API_TOKEN", "JIRA_PAT")


@dataclass(frozen=True)
class Credentials:
    email: str = ""
    api_token: str = field(default="", repr=False)
    pat: str = field(default="", repr=False)

    @property
    def basic(self) -> tuple[str, str] | None:
        return (self.email, self.api_token) if self.email and self.api_token else None

    def secrets(self) -> list[str]:
        return [s for s in (self.api_token, self.pat) if s]


def load_credentials(environ: dict | None = None, dotenv: Path | None = None) -> Credentials:
    """The environment wins over `.env`, so a one-off `JIRA_PAT=... python -m etl sync` works."""
    environ = os.environ if environ is None else environ
    values = _read_dotenv(dotenv or DOTENV)
    values.update({k: environ[k] for k in NAMES if environ.get(k)})
    return Credentials(email=values.get("JIRA_EMAIL", "").strip(),
                       api_token=values.get("JIRA_API_TOKEN", "").strip(),
                       pat=values.get("JIRA_PAT", "").strip())


def _read_dotenv(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        name, _, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if name in NAMES:
            values[name] = value
    return values
