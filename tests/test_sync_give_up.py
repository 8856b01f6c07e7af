"""A site that refuses connections or never answers ends a sync within [jira].give_up_after_seconds,
and credentials are checked before anything is fetched."""
from __future__ import annotations

import socket
import subprocess
import sys
import time

import pytest

from conftest import ROOT
from etl.jira.credentials import Credentials
from etl.jira.http import JiraProblem
from etl.jira.sync import sync
from tests.fakejira import Fault, build_issues
from tests.fakejira.cli import cli_environment
from tests.fakejira.harness import QUICK, config_for, jira, store  # noqa: F401


def with_bound(env: dict, seconds: int) -> dict:
    config = ROOT / env["FOLLOWTHROUGH_CONFIG"]
    text = config.read_text()
    config.write_text(text.replace("[jira]\n", f"[jira]\ngive_up_after_seconds = {seconds}\n", 1))
    return env


def timed_sync(env: dict) -> tuple[subprocess.CompletedProcess, float]:
    began = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "etl", "sync"], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=60)
    return done, time.monotonic() - began


def test_a_site_refusing_connections_fails_within_the_bound(jira, tmp_path):
    site = jira(build_issues(1))
    env = with_bound(cli_environment(site, tmp_path), 4)
    site.stop()
    done, seconds = timed_sync(env)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines()[-1].startswith(f"error: could not reach {site.url}")
    assert seconds < 4 + 3   # the bound, and the start of a Python process


def test_a_site_that_never_answers_fails_within_the_bound(jira, tmp_path):
    # Accepts connections and never answers, as a hung proxy does.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(16)
    try:
        site = jira(build_issues(1))
        env = cli_environment(site, tmp_path)
        config = ROOT / env["FOLLOWTHROUGH_CONFIG"]
        config.write_text(config.read_text().replace(site.url, f"http://127.0.0.1:{silent.getsockname()[1]}"))
        done, seconds = timed_sync(with_bound(env, 4))
    finally:
        silent.close()
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "did not answer" in done.stderr.strip().splitlines()[-1]
    assert seconds < 4 + 3


@pytest.mark.parametrize("flavour", ["cloud", "datacenter"])
def test_credentials_are_checked_before_anything_is_fetched(jira, store, flavour):
    site = jira(build_issues(5), flavour=flavour)
    site.fail("/rest/api/2/myself$", Fault(status=401))
    with pytest.raises(JiraProblem, match="rejected the credentials"):
        sync(config_for(site), store, credentials=Credentials(email=site.email, api_token=site.api_token,
                                                              pat=site.pat), policy=QUICK)
    assert not site.served("search") and not site.served("changelog")
