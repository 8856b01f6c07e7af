"""One incident's follow-up update (`python -m etl report --incident KEY`, and the Incident
explorer's downloads): what it holds is checked against the marts read directly, every number of
its summary is in its tables, and a bad key is one line."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_support import sql
from conftest import ROOT
from followthrough import incident_update


def as_of(db):
    return sql(db, "SELECT as_of FROM marts.build_info")[0][0]


def busiest(db) -> str:
    """An incident that has it all: open, done and late items, and a repeat after it."""
    return sql(db, """
        SELECT a.incident_key FROM marts.targets_at((SELECT as_of FROM marts.build_info)) AS a
        WHERE a.incident_key IN (SELECT earlier_issue_key FROM marts.repeats)
        GROUP BY 1 HAVING bool_or(a.is_open) AND bool_or(NOT a.is_open) AND bool_or(a.is_breached)
        ORDER BY count(*) DESC, 1 LIMIT 1""")[0][0]


def sections(markdown: str) -> dict[str, str]:
    parts = re.split(r"^## (.+)$", markdown, flags=re.M)
    return dict(zip(parts[1::2], parts[2::2]))


def members(data: bytes) -> dict[str, bytes]:
    """A zip's files (the archive itself carries the time it was written)."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {n: archive.read(n) for n in archive.namelist()}


NUMBER = re.compile(r"(?<![\w-])\d[\d,]*(?:\.\d+)?")


def test_the_command_writes_the_three_files_the_explorer_offers(demo_db, dashboard_on, etl, tmp_path):
    dashboard_on(demo_db)
    key = busiest(demo_db)
    code, out, err = etl("report", "--incident", key, "--out", tmp_path / "update")
    assert code == 0 and err == "", err
    names = [f"Incident update {key}{suffix}" for suffix in (".md", ".html", ".zip")]
    assert out.splitlines() == [str(tmp_path / "update" / n) for n in names]
    written = {n: (tmp_path / "update" / n).read_bytes() for n in names}
    # The page's downloads build each file with incident_update.build, as the command does.
    update = incident_update.gather(key, as_of(demo_db))
    built = {n: incident_update.build(update, Path(n).suffix) for n in names}
    assert built[names[0]] == written[names[0]] and built[names[1]] == written[names[1]]
    assert members(built[names[2]]) == members(written[names[2]])

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=30)
    at.query_params["incident"] = key
    at.run()
    at.switch_page("app_pages/explorer.py").run()
    assert not at.exception
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Update as Markdown", "Update as HTML", "Update's tables as CSV (zip)"]


def test_it_holds_what_the_marts_say(demo_db, dashboard_on, etl, tmp_path):
    dashboard_on(demo_db)
    key = busiest(demo_db)
    assert etl("report", "--incident", key, "--out", tmp_path)[0] == 0
    md = (tmp_path / f"Incident update {key}.md").read_text()
    with zipfile.ZipFile(tmp_path / f"Incident update {key}.zip") as archive:
        csvs = {n: pd.read_csv(io.BytesIO(archive.read(n)), encoding="utf-8-sig") for n in archive.namelist()}
    assert sorted(csvs) == ["action-items.csv", "figures.csv", "incident.csv", "repeats-and-returns.csv"]
    at = "(SELECT as_of FROM marts.build_info)"
    items = sql(demo_db, f"SELECT issue_key, is_open, outcome, is_breached, coalesce(is_overdue, false), owner, "
                         f"due_date FROM marts.targets_at({at}) WHERE incident_key = ?", [key])
    assert sorted(csvs["action-items.csv"]["issue_key"]) == sorted(k for k, *_ in items)
    figures = dict(zip(csvs["figures.csv"]["Figure"], csvs["figures.csv"]["Value"].astype(str)))
    open_ = [r for r in items if r[1]]
    assert figures["Action items"] == str(len(items))
    assert figures["Done"] == str(sum(r[2] == "done" for r in items))
    assert figures["Dropped"] == str(sum(r[2] == "dropped" for r in items))
    assert figures["Open"] == str(len(open_))
    assert figures["Open and past target"] == str(sum(r[3] for r in open_))
    assert figures["Open and overdue (past the due date)"] == str(sum(r[4] for r in open_))
    done_by, done_after = sql(demo_db, f"SELECT count(*) FILTER (WHERE met_target), count(*) FILTER (WHERE NOT met_target) "
                                       f"FROM marts.targets_at({at}) WHERE incident_key = ? AND outcome = 'done'", [key])[0]
    assert (figures["Done by its target"], figures["Done after its target"]) == (str(done_by), str(done_after))
    late = {r[0] for r in open_ if r[3] or r[4]}
    assert late and set(re.findall(r"\[([A-Z]+-\d+)\]", sections(md)["Late"])) == late
    for k, *_, owner, _due in open_:
        assert k in sections(md)["Open action items"] and (owner or "no owner") in sections(md)["Open action items"]
    repeats = [k for (k,) in sql(demo_db, "SELECT issue_key FROM marts.repeats WHERE earlier_issue_key = ?", [key])]
    assert repeats and figures["Repeats since"] == str(len(repeats))
    summary = sections(md)["Summary"]
    assert all(k in summary for k in repeats) and "has come back" in summary
    when = as_of(demo_db)
    assert f"Figures as of {when:%d %b %Y %H:%M} UTC." in md


def test_every_number_in_the_summary_is_in_its_tables(demo_db, dashboard_on):
    """For every incident of the demo: each number its sentences give is a cell, or part of one,
    of its tables (dates, durations and counts as the tables write them)."""
    dashboard_on(demo_db)
    when = as_of(demo_db)
    checked = 0
    for (key,) in sql(demo_db, "SELECT issue_key FROM marts.incidents ORDER BY created_at"):
        md = incident_update.build(incident_update.gather(key, when), ".md").decode()
        parts = sections(md)
        tables = "\n".join(text for title, text in parts.items() if title != "Summary")
        in_tables = set(NUMBER.findall(re.sub(r"\]\([^)]*\)", "]", tables)))
        for sentence in parts["Summary"].splitlines():
            # Issue keys are names, not figures.
            for figure in NUMBER.findall(re.sub(r"[A-Z][A-Z0-9_]*-\d+", "", sentence)):
                assert figure in in_tables, f"{key}: {figure} of {sentence!r} is in none of its tables"
                checked += 1
    assert checked > 500


def test_a_key_that_is_no_incident_is_one_line(demo_db, dashboard_on, etl, tmp_path):
    dashboard_on(demo_db)
    item = sql(demo_db, "SELECT issue_key FROM marts.action_items LIMIT 1")[0][0]
    for key in ("OPS-99999", item):
        code, out, err = etl("report", "--incident", key, "--out", tmp_path / "update")
        assert code == 1 and out == ""
        assert err == f"error: --incident: no incident '{key}' in the published data\n"
        assert not (tmp_path / "update").exists()


def test_quarter_or_incident_not_both(demo_db, dashboard_on, etl, tmp_path, capsys):
    dashboard_on(demo_db)
    with pytest.raises(SystemExit) as exit_:
        etl("report", "--quarter", "2026Q3", "--incident", "OPS-1", "--out", tmp_path)
    assert exit_.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_the_html_opens_offline(demo_db, dashboard_on, etl, tmp_path):
    dashboard_on(demo_db)
    key = busiest(demo_db)
    assert etl("report", "--incident", key, "--out", tmp_path)[0] == 0
    html = (tmp_path / f"Incident update {key}.html").read_text()
    assert "<script" not in html and "<link" not in html
    addresses = set(re.findall(r'(?:src|href)="([^"]+)"', html))
    assert addresses and all(a.startswith("https://demo.followthrough.invalid/browse/") for a in addresses)
