import os
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEVLAKE = FIXTURES / "devlake-jira"
sys.path.insert(0, str(ROOT))

from etl.cli import main  # noqa: E402


class Workspace:
    """A private data folder: its own raw store and published file, via the real environment knobs."""

    def __init__(self, root: Path):
        self.root = root
        self.published = root / "data" / "followthrough.duckdb"
        self.warehouse = root / "data" / "warehouse.duckdb"

    def query(self, sql: str, params=None) -> list[tuple]:
        con = duckdb.connect(str(self.published), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()


@pytest.fixture
def workspace(tmp_path, monkeypatch) -> Workspace:
    ws = Workspace(tmp_path)
    monkeypatch.setenv("FOLLOWTHROUGH_DB", str(ws.published))
    monkeypatch.delenv("FOLLOWTHROUGH_WAREHOUSE", raising=False)
    monkeypatch.delenv("FOLLOWTHROUGH_CONFIG", raising=False)
    return ws


@pytest.fixture
def etl(capsys):
    """Runs `python -m etl ...` in-process and returns (exit code, stdout, stderr)."""
    def run(*args: str):
        code = main([str(a) for a in args])
        out, err = capsys.readouterr()
        return code, out, err
    return run


@pytest.fixture(scope="session")
def demo_db(tmp_path_factory) -> Path:
    """A small demo database built once by the real ETL, for dashboard tests to read."""
    root = tmp_path_factory.mktemp("demo")
    published = root / "data" / "followthrough.duckdb"
    saved = os.environ.get("FOLLOWTHROUGH_DB")
    os.environ["FOLLOWTHROUGH_DB"] = str(published)
    try:
        assert main(["demo", "--incidents", "120"]) == 0
    finally:
        if saved is None:
            del os.environ["FOLLOWTHROUGH_DB"]
        else:
            os.environ["FOLLOWTHROUGH_DB"] = saved
    return published


@pytest.fixture
def dashboard_on(monkeypatch):
    """Points the dashboard at a published file for the duration of a test."""
    def point(path: Path) -> Path:
        monkeypatch.setenv("FOLLOWTHROUGH_DB", str(path))
        return path
    return point
