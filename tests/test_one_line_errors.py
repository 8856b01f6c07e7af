"""What goes wrong around a load ends as one line that names the problem, never a traceback, and
leaves the published file as it was: a full disk, a published file or raw store that is damaged,
empty or not Followthrough's, data paths that cannot be folders, and a `.env` in another encoding,
with a byte-order mark or with comments after values."""
from __future__ import annotations

import hashlib
import json
import resource
import signal
import subprocess
import sys

import duckdb
import pytest

from conftest import ROOT
from etl.jira.credentials import load_credentials
from tests.fakejira import build_issues
from tests.fakejira.cli import cli_environment
from tests.fakejira.harness import jira  # noqa: F401


def issue(n: int, text: str = "") -> str:
    return json.dumps({"id": str(10000 + n), "key": f"OPS-{n}", "fields": {
        "summary": f"Issue {n} {text}", "issuetype": {"name": "Incident"}, "status": {"name": "Open"},
        "created": "2026-03-01T10:00:00.000+0000", "updated": "2026-03-01T10:00:00.000+0000"}})


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def run_with_a_full_disk(args: list[str], env: dict | None, limit: int) -> subprocess.CompletedProcess:
    """`python -m etl ...` where every write past `limit` bytes fails as on a full disk (EFBIG)."""
    def full_disk():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return subprocess.run([sys.executable, "-m", "etl", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=300, preexec_fn=full_disk)


def assert_one_line(done: subprocess.CompletedProcess, *words: str) -> str:
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith("error: ") and all(w in line for w in words), line
    return line


def big_file(tmp_path, kind: str):
    if kind == "json":
        path = tmp_path / "big.ndjson"
        path.write_text("\n".join(issue(n, "words " * 300) for n in range(2, 6002)) + "\n")
    else:
        path = tmp_path / "big.csv"
        path.write_text("Issue key,Summary,Issue Type,Status,Created\n" + "\n".join(
            f"OPS-{n},Issue {n} {'words ' * 300},Incident,Open,12/Jun/20 8:13 AM" for n in range(2, 6002)) + "\n")
    return path


@pytest.mark.parametrize("kind", ["json", "csv"])
def test_a_full_disk_during_an_import_is_one_line_and_leaves_everything_as_it_was(workspace, etl, tmp_path, kind):
    (tmp_path / "first.json").write_text(issue(1))
    assert etl("import-json", tmp_path / "first.json")[0] == 0
    before = digest(workspace.published)
    path = big_file(tmp_path, kind)
    limit = workspace.warehouse.stat().st_size + 1024 * 1024
    done = run_with_a_full_disk([f"import-{kind}", str(path)], None, limit)
    assert_one_line(done, "disk")
    assert digest(workspace.published) == before

    code, out, err = etl(f"import-{kind}", path)
    assert code == 0, err
    assert workspace.query("SELECT count(*) FROM marts.issues") == [(6001,)]


def test_a_full_disk_during_a_sync_is_one_line_and_the_next_sync_completes(jira, tmp_path):
    site = jira(build_issues(3000))
    env = cli_environment(site, tmp_path)
    done = run_with_a_full_disk(["sync"], env, 2 * 1024 * 1024)
    assert_one_line(done, "disk")
    assert site.served("/search/jql$")
    published = tmp_path / "data" / "followthrough.duckdb"
    assert not published.exists()

    again = subprocess.run([sys.executable, "-m", "etl", "sync"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=300)
    assert again.returncode == 0, again.stderr
    with duckdb.connect(str(published), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM marts.issues").fetchall() == [(3000,)]


def damage(path, how: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if how == "empty":
        path.write_bytes(b"")
    elif how == "corrupt":
        path.write_bytes(b"DUCK" + bytes(range(256)) * 64)
    else:
        with duckdb.connect(str(path)) as con:
            con.execute("CREATE TABLE invoices (id INTEGER)")


@pytest.mark.parametrize("how", ["empty", "corrupt", "wrong"])
@pytest.mark.parametrize("which", ["published", "warehouse"])
def test_status_on_a_damaged_or_foreign_file_is_one_line(workspace, etl, tmp_path, which, how):
    (tmp_path / "first.json").write_text(issue(1))
    assert etl("import-json", tmp_path / "first.json")[0] == 0
    path = getattr(workspace, which)
    path.unlink()
    damage(path, how)
    code, out, err = etl("status")
    assert code == 1 and "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert line.startswith("error: ") and str(path) in line
    if how == "wrong":
        assert "not a Followthrough" in line
    if which == "warehouse":
        # A load must not take over a file that is not a raw store, nor add its tables to it.
        code, _, err = etl("import-json", tmp_path / "first.json")
        assert code == 1 and "Traceback" not in err and str(path) in err
        if how == "wrong":
            with duckdb.connect(str(path), read_only=True) as con:
                assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("invoices",)]


@pytest.mark.parametrize("variable", ["FOLLOWTHROUGH_DB", "FOLLOWTHROUGH_WAREHOUSE"])
def test_a_data_path_under_a_file_is_one_line(workspace, etl, tmp_path, monkeypatch, variable):
    (tmp_path / "notes.txt").write_text("not a folder")
    monkeypatch.setenv(variable, str(tmp_path / "notes.txt" / "followthrough.duckdb"))
    (tmp_path / "first.json").write_text(issue(1))
    for command in (["import-json", tmp_path / "first.json"], ["publish"], ["status"]):
        code, out, err = etl(*command)
        assert "Traceback" not in err
        if code:
            line = err.strip().splitlines()[-1]
            assert line.startswith("error: ") and "notes.txt" in line and "\n" not in line.strip()


def test_dotenv_with_a_byte_order_mark_and_comments_after_values(tmp_path):
    dotenv = tmp_path / ".env"
    dotenv.write_bytes("\ufeffJIRA_EMAIL=me@example.com  # the sync account\n"
                       "JIRA_API_TOKEN=tok#en-1234 # rotated in May\n"
                       "JIRA_PAT=\"quoted value # kept\"   # a comment\n".encode("utf-8"))
    creds = load_credentials({}, dotenv)
    assert (creds.email, creds.api_token, creds.pat) == ("me@example.com", "tok#en-1234", "quoted value # kept")


def test_dotenv_in_latin1_is_one_line(jira, tmp_path, monkeypatch, capsys):
    from etl.cli import main
    from etl.jira import credentials

    site = jira(build_issues(1))
    for name, value in cli_environment(site, tmp_path).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("JIRA_API_TOKEN")
    dotenv = tmp_path / ".env"
    dotenv.write_bytes("# Jira für das Team\nJIRA_API_TOKEN=abc\n".encode("latin-1"))
    monkeypatch.setattr(credentials, "DOTENV", dotenv)
    assert main(["sync"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"error: {dotenv}") and "UTF-8" in line


def test_control_characters_in_what_an_error_quotes_are_shown_escaped(workspace, etl, tmp_path):
    # A file name can hold a newline and a terminal escape; quoted raw they would split the line
    # and recolour the terminal.
    code, _, err = etl("import-json", tmp_path / "in\n\x1b[31mred.json")
    assert code == 1 and "Traceback" not in err
    line = err.splitlines()[-1]
    assert "\x1b" not in err and line.startswith("error: ") and line.endswith("in\\n\\x1b[31mred.json")
