"""A token Jira or a proxy echoes back, raw or as the Basic header's base64, never reaches the
terminal, a log line or a stored row: the CLI redacts at every sink, and the token read from
`.env` is known to the redactor."""
from __future__ import annotations

import base64
import json
import logging

import duckdb
import pytest

from etl.cli import main
from etl.jira import credentials
from tests.fakejira import Fault, build_issues
from tests.fakejira.cli import cli_environment
from tests.fakejira.harness import jira  # noqa: F401

TOKEN = "tok-ECHOED-91c2e7d4"


def every_row(path) -> list[str]:
    with duckdb.connect(str(path), read_only=True) as con:
        tables = con.execute("SELECT database_name, schema_name, table_name FROM duckdb_tables()").fetchall()
        return [str(row) for d, s, t in tables for row in con.execute(f'SELECT * FROM "{d}"."{s}"."{t}"').fetchall()]


@pytest.mark.parametrize("echo", ["jira-error", "proxy-page"])
def test_an_echoed_token_appears_nowhere(jira, tmp_path, monkeypatch, capsys, caplog, echo):
    site = jira(build_issues(150), api_token=TOKEN)
    basic = base64.b64encode(f"{site.email}:{TOKEN}".encode()).decode()
    for name, value in cli_environment(site, tmp_path).items():
        monkeypatch.setenv(name, value)
    # The token comes from .env only, so only what load_credentials registered can hide it.
    monkeypatch.delenv("JIRA_API_TOKEN")
    dotenv = tmp_path / ".env"
    dotenv.write_text(f"JIRA_API_TOKEN={TOKEN}\n")
    monkeypatch.setattr(credentials, "DOTENV", dotenv)
    if echo == "jira-error":
        body = json.dumps({"errorMessages": [f"Authorization Basic {basic} (token {TOKEN}) may not search"]})
        faults = [Fault(), Fault(status=403, body=body)]
    else:
        page = f"<html><title>Sign in</title>Token {TOKEN} / Basic {basic} expired</html>"
        faults = [Fault()] + [Fault(body=page)] * 3
    site.fail("/search/jql$", *faults)
    caplog.set_level(logging.DEBUG)

    assert main(["sync"]) == 1
    failed = capsys.readouterr()
    assert "error: " in failed.err
    assert main(["sync"]) == 0
    done = capsys.readouterr()

    texts = [failed.out, failed.err, done.out, done.err, caplog.text]
    texts += every_row(tmp_path / "data" / "warehouse.duckdb") + every_row(tmp_path / "data" / "followthrough.duckdb")
    for secret in (TOKEN, basic):
        assert not [t for t in texts if secret in t]
        for path in (tmp_path / "data").glob("*.duckdb*"):
            assert secret.encode() not in path.read_bytes()
    assert "[redacted]" in failed.err
