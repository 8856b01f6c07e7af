"""Publishing swaps in a complete database or nothing: readers never see a half-built file."""
import hashlib
import subprocess
import sys

import duckdb

from conftest import DEVLAKE, ROOT

FILES = (DEVLAKE / "cloud_issues.ndjson", DEVLAKE / "server_issues_with_links.ndjson")


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_open_reader_keeps_working_across_a_publish(workspace, etl):
    assert etl("import-json", FILES[0])[0] == 0
    reader = duckdb.connect(str(workspace.published), read_only=True)
    assert reader.execute("SELECT count(*) FROM marts.issues").fetchall() == [(33,)]
    assert etl("import-json", FILES[1])[0] == 0
    # The old connection still reads the file it opened; a new one sees the new data.
    assert reader.execute("SELECT count(*) FROM marts.issues").fetchall() == [(33,)]
    reader.close()
    assert workspace.query("SELECT count(*) FROM marts.issues") == [(55,)]


def test_publish_reruns_the_models_without_refetching(workspace, etl, tmp_path):
    assert etl("import-json", *FILES)[0] == 0
    assert workspace.query("SELECT count(*) FROM marts.incidents") == [(0,)]
    config = tmp_path / "followthrough.toml"
    config.write_text('[incidents]\nissue_types = ["Bug"]\n')
    code, out, err = etl("--config", config, "publish")
    assert code == 0, err
    bugs = workspace.query("SELECT count(*) FROM marts.issues WHERE issue_type = 'Bug'")[0][0]
    assert bugs > 0
    assert workspace.query("SELECT count(*) FROM marts.incidents") == [(bugs,)]


def test_disk_full_during_publish_leaves_the_published_file_intact(workspace, etl):
    assert etl("import-json", *FILES)[0] == 0
    before = digest(workspace.published)
    # RLIMIT_FSIZE makes every write past the limit fail with EFBIG, as a full disk would.
    limit = workspace.published.stat().st_size // 4
    script = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        f"resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
        "from etl.cli import main\n"
        "sys.exit(main(['publish']))\n")
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    line = done.stderr.strip().splitlines()[-1]
    assert line.startswith(f"error: publishing failed and {workspace.published} was left as it was:")
    assert "Traceback" not in done.stderr
    assert digest(workspace.published) == before
    assert not list(workspace.published.parent.glob(".build-*"))
    assert workspace.query("SELECT count(*) FROM marts.issues") == [(55,)]


def test_status_reports_what_is_published(workspace, etl):
    code, out, err = etl("status")
    assert code == 0 and "Nothing is published" in out
    assert etl("import-json", *FILES, "--as-of", "2026-01-01T00:00:00")[0] == 0
    code, out, err = etl("status")
    assert "figures as of 2026-01-01 00:00 UTC" in out
    assert "55 issues: 0 incidents, 0 action items" in out
    assert "cloud_issues.ndjson" in out


def test_a_memory_cap_still_publishes_and_a_bad_one_is_named(workspace, etl, monkeypatch):
    monkeypatch.setenv("FOLLOWTHROUGH_MEMORY_LIMIT", "lots")
    code, out, err = etl("import-json", FILES[0])
    assert code != 0
    assert err.strip().splitlines()[-1] == "error: FOLLOWTHROUGH_MEMORY_LIMIT='lots' is not a size such as 2GB or 500MB"
    assert "Traceback" not in err
    assert not workspace.published.exists()
    monkeypatch.setenv("FOLLOWTHROUGH_MEMORY_LIMIT", "200MB")
    code, out, err = etl("import-json", FILES[0])
    assert code == 0, err
    assert workspace.query("SELECT count(*) FROM marts.issues") == [(33,)]


def test_publish_with_a_named_config_that_is_missing_keeps_the_published_file(workspace, etl, tmp_path):
    config = tmp_path / "followthrough.toml"
    config.write_text('[incidents]\nissue_types = ["Bug"]\n')
    assert etl("--config", config, "import-json", *FILES)[0] == 0
    before = digest(workspace.published)
    for named in (tmp_path / "followthrogh.toml", tmp_path):
        code, out, err = etl("--config", named, "publish")
        assert code != 0
        assert str(named) in err and len(err.strip().splitlines()) == 1, err
        assert digest(workspace.published) == before
