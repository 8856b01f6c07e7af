"""Running `python -m etl` against a fake site, each run with its own config and data folder."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from etl.config import DEMO_CONFIG

from .server import FakeJira

ROOT = Path(__file__).resolve().parents[2]


def cli_environment(site: FakeJira, folder: Path, concurrency: int | None = None) -> dict[str, str]:
    """The environment for `python -m etl` against this site, with its own files under `folder`;
    `concurrency` sets [jira].concurrency instead of its default."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "followthrough.toml"
    demo = DEMO_CONFIG.read_text(encoding="utf-8")
    extra = "" if concurrency is None else f"\nconcurrency = {concurrency}"
    config.write_text(demo.replace('url = "https://demo.followthrough.invalid"',
                                   f'url = "{site.url}"\nincident_jql = "{site.incident_jql}"\n'
                                   f'action_item_jql = "{site.action_item_jql}"{extra}'), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("JIRA_", "FOLLOWTHROUGH_"))}
    env.update(FOLLOWTHROUGH_CONFIG=str(config), FOLLOWTHROUGH_DB=str(folder / "data" / "followthrough.duckdb"))
    if site.flavour == "cloud":
        env.update(JIRA_EMAIL=site.email, JIRA_API_TOKEN=site.api_token)
    else:
        env.update(JIRA_PAT=site.pat)
    return env


def etl_process(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
