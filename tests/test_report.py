"""`python -m etl report`: the quarterly pack from the command line, complete, and written as the
page writes it. Every figure of the figures table is recomputed here from the CSV files alone
(Kaplan-Meier and Aalen-Johansen included), so a CSV that lost rows or a column cannot pass."""
from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from etl.cli import main
from followthrough.figures import FIGURES

QUARTER = "2026Q3"
TITLE = "Incident review 2026 Q3"


@pytest.fixture(scope="module")
def big_demo(tmp_path_factory) -> Path:
    """A demo large enough that the quarter has more than 200 action items and 15 stalled items,
    the caps the pack used to stop at."""
    db = tmp_path_factory.mktemp("big") / "followthrough.duckdb"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("FOLLOWTHROUGH_DB", str(db))
        env.delenv("FOLLOWTHROUGH_WAREHOUSE", raising=False)
        env.delenv("FOLLOWTHROUGH_CONFIG", raising=False)
        assert main(["demo", "--incidents", "400"]) == 0
    return db


@pytest.fixture
def pack(big_demo, dashboard_on, etl, tmp_path) -> dict:
    dashboard_on(big_demo)
    code, out, err = etl("report", "--quarter", QUARTER, "--out", tmp_path / "pack")
    assert code == 0, err
    assert err == ""
    written = sorted(p.name for p in (tmp_path / "pack").iterdir())
    assert written == [f"{TITLE}.html", f"{TITLE}.md", f"{TITLE}.zip"]
    assert out.splitlines() == [str(tmp_path / "pack" / name) for name in (f"{TITLE}.md", f"{TITLE}.html", f"{TITLE}.zip")]
    with zipfile.ZipFile(tmp_path / "pack" / f"{TITLE}.zip") as archive:
        csvs = {name: pd.read_csv(io.BytesIO(archive.read(name)), encoding="utf-8-sig") for name in archive.namelist()}
    return {"dir": tmp_path / "pack", "csv": csvs, "md": (tmp_path / "pack" / f"{TITLE}.md").read_text()}


# -- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("args, says", [
    (["--quarter", "2026-13"], "is not a quarter: write it as 2026Q3"),
    (["--quarter", "1999Q1"], "no incident or action item was filed in 1999Q1; quarters with data: 2026Q4, 2026Q3"),
    (["--quarter", QUARTER, "--team", "Nobody"], "no team 'Nobody' in the published data; there is"),
    (["--quarter", QUARTER, "--severity", "SEV-9"], "no severity 'SEV-9' in the published data"),
])
def test_a_bad_quarter_or_filter_is_one_line(demo_db, dashboard_on, etl, tmp_path, args, says):
    dashboard_on(demo_db)
    code, out, err = etl("report", *args, "--out", tmp_path / "pack")
    assert code == 1
    assert len(err.splitlines()) == 1 and err.startswith("error: ") and says in err, err
    assert not (tmp_path / "pack").exists()


def test_no_database_is_one_line(dashboard_on, etl, tmp_path):
    dashboard_on(tmp_path / "none.duckdb")
    code, _, err = etl("report", "--quarter", QUARTER, "--out", tmp_path / "pack")
    assert code == 1 and err.startswith("error: No published database at ") and len(err.splitlines()) == 1


def test_filters_narrow_the_pack(demo_db, dashboard_on, etl, tmp_path):
    dashboard_on(demo_db)
    assert etl("report", "--quarter", QUARTER, "--severity", "SEV-3", "--out", tmp_path)[0] == 0
    with zipfile.ZipFile(tmp_path / f"{TITLE}.zip") as archive:
        incidents = pd.read_csv(archive.open("incidents.csv"), encoding="utf-8-sig")
    assert len(incidents) > 0 and set(incidents["severity"]) == {"SEV-3"}
    assert "severity: SEV-3" in (tmp_path / f"{TITLE}.md").read_text()


# -- complete -------------------------------------------------------------------------------------

def test_the_csv_files_hold_every_row(pack, big_demo):
    con = duckdb.connect(str(big_demo), read_only=True)
    sel = "{'start': TIMESTAMP '2026-07-01', 'end': TIMESTAMP '2026-10-01', 'severity': [], 'service': [], 'team': []}"
    items, stalled = con.execute(f"SELECT count(*), count(*) FILTER (WHERE class = 'strategic' AND is_stalled) "
                                 f"FROM marts.selected_action_items({sel})").fetchone()
    incidents = con.execute(f"SELECT count(*) FROM marts.selected_incidents({sel})").fetchone()[0]
    con.close()
    csv = pack["csv"]
    assert len(csv["action-items.csv"]) == items > 200 and len(csv["incidents.csv"]) == incidents
    assert len(csv["stalled-strategic-items.csv"]) == stalled > 15


def kaplan_meier(times: pd.Series, events: pd.Series, done: pd.Series | None = None) -> pd.DataFrame:
    """The product-limit estimate at each distinct time, with the Aalen-Johansen share done when
    `done` marks which events were done (the others being dropped)."""
    frame = pd.DataFrame({"t": times, "event": events, "done": events if done is None else done})
    rows, survival, done_share = [], 1.0, 0.0
    for t, group in frame.groupby("t", sort=True):
        at_risk = (frame["t"] >= t).sum()
        done_share += survival * group["done"].sum() / at_risk
        survival *= 1 - group["event"].sum() / at_risk
        rows.append((t, survival, done_share))
    return pd.DataFrame(rows, columns=["t", "survival", "done_share"])


def recomputed(csv: dict) -> dict:
    incidents, items = csv["incidents.csv"], csv["action-items.csv"]
    repeats = incidents["repeat_of"].notna()
    resolve = kaplan_meier(incidents["days_to_resolve"].fillna(incidents["days_unresolved"]), incidents["is_resolved"])
    done = kaplan_meier(items["days_followed"], items["outcome_now"].notna(), items["outcome_now"] == "done")

    def within(days):
        return None if done["t"].max() < days else done.loc[done["t"] <= days, "done_share"].max()
    return {
        "incidents": len(incidents),
        "sev1": (incidents["severity"] == "SEV-1").sum(),
        "median_days_to_resolve": resolve.loc[resolve["survival"] <= 0.5 + 1e-12, "t"].min(),
        "p80_days_to_resolve": resolve.loc[resolve["survival"] <= 0.2 + 1e-12, "t"].min(),
        "unresolved_incidents": (~incidents["is_resolved"]).sum(),
        "recurrence_rate": repeats.sum() / len(incidents),
        "share_repeats_while_open": (incidents["repeat_while_fixes_open"] == True).sum() / repeats.sum(),  # noqa: E712
        "items_filed": len(items),
        "items_done": (items["outcome"] == "done").sum(),
        "items_dropped": (items["outcome"] == "dropped").sum(),
        "items_open": items["is_open"].sum(),
        "items_overdue": items["is_overdue"].sum(),
        "strategic_stalled": len(csv["stalled-strategic-items.csv"]),
        "median_days_to_done": done.loc[done["done_share"] >= 0.5 - 1e-12, "t"].min(),
        "done_within_30": within(30), "done_within_60": within(60), "done_within_90": within(90),
        "target_attainment": attainment(items),
        "strategic_target_attainment": attainment(items[items["class"] == "strategic"]),
        "items_past_target": items["is_past_target"].sum(),
    }


def attainment(items: pd.DataFrame) -> float:
    decided = items["met_target"].dropna().astype(bool)
    return decided.sum() / len(decided)


def test_every_figure_is_recomputed_from_the_csv_files(pack):
    figures = pack["csv"]["figures.csv"].set_index("figure")["2026 Q3"]
    assert list(figures.index) == [f.column for f in FIGURES]
    again = recomputed(pack["csv"])
    assert set(again) == set(figures.index)
    for column, value in again.items():
        assert float(figures[column]) == pytest.approx(float(value), abs=1e-9), column


# -- as the page writes it ------------------------------------------------------------------------

def test_markdown_reads_as_the_page(pack):
    md = pack["md"]
    stalled = pack["csv"]["stalled-strategic-items.csv"]
    # The first rows, and where the rest are.
    assert f"The first 15, and {len(stalled) - 15} more in stalled-strategic-items.csv." in md
    section = md.split("## Stalled strategic items")[1].split("\n## ")[0]
    rows = [line for line in section.splitlines() if line.startswith("| [")]
    assert len(rows) == 15
    first = stalled.iloc[0]
    # Days as the page rounds them, both keys linked, the costliest first.
    assert (f"| {first['owner']} | {first['team']} | {round(first['days_without_status_change'])} | "
            f"{first['incidents_since']} | {first['cost_of_delay']:.0f} |") in rows[0]
    assert rows[0].startswith(f"| [{first['issue_key']}]({first['url']}) |")
    assert f"[{first['incident_key']}]({first['incident_url']})" in rows[0]
    assert not re.search(r"\| \d+\.\d\d \|", section), "a number with two decimals the page does not show"


# -- the summary ----------------------------------------------------------------------------------

def summary_of(md: str) -> list[str]:
    return [line[2:] for line in md.split("## Summary\n\n")[1].split("\n\n")[0].splitlines()]


def numbers(text: str) -> set[str]:
    # A thousands separator sits between digits; a comma after a number ends the clause.
    return set(re.findall(r"\d(?:[\d,]*\d)?(?:\.\d+)?", text))


def unescaped(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def test_the_summary_leads_with_the_biggest_change_and_says_only_what_the_tables_hold(pack):
    md = unescaped(pack["md"])
    sentences = summary_of(md)
    assert sentences[0].startswith("What changed most against 2026 Q2: ")
    tables = md.split("## Figures")[1]
    for sentence in sentences:
        assert "–" not in sentence, f"a placeholder: {sentence}"
        # Quarter names and the as-of date are words, not figures.
        said = numbers(re.sub(r"\d{4} Q[1-4](, days 1–\d+)?|on \d\d \w{3} \d{4}", "", sentence))
        assert said <= numbers(tables), (sentence, said - numbers(tables))
    stalled = pack["csv"]["stalled-strategic-items.csv"]
    costliest = next(s for s in sentences if s.startswith("The costliest stalled strategic items: "))
    assert costliest.index(stalled["issue_key"][0]) < costliest.index(stalled["issue_key"][1])
    assert stalled["owner"][0] in costliest
    assert any("came back while fixes for an earlier incident were still open" in s for s in sentences)


def test_a_running_quarter_is_compared_with_as_many_days_and_says_to_date(big_demo, dashboard_on, etl, tmp_path):
    dashboard_on(big_demo)
    assert etl("report", "--quarter", "2026Q4", "--out", tmp_path)[0] == 0
    md = unescaped((tmp_path / "Incident review 2026 Q4.md").read_text())
    assert "the quarter is still running, so it is compared with as many days of the quarter before" in md
    assert "| Figure | 2026 Q4 to date | 2026 Q3, days 1–31 |" in md
    assert "| Done to date |" in md and "quarter end" not in md and "Q end" not in md
    assert "| Strategic on target to date |" in md
    for sentence in summary_of(md):
        assert "–" not in sentence.replace("days 1–31", ""), f"a placeholder: {sentence}"
    with zipfile.ZipFile(tmp_path / "Incident review 2026 Q4.zip") as archive:
        figures = pd.read_csv(archive.open("figures.csv"), encoding="utf-8-sig").set_index("figure")
    # As of 1 Nov: October against July.
    con = duckdb.connect(str(big_demo), read_only=True)
    july = con.execute("SELECT incidents, items_filed FROM marts.period_figures({'start': TIMESTAMP '2026-07-01', "
                       "'end': TIMESTAMP '2026-08-01', 'severity': [], 'service': [], 'team': []})").fetchone()
    con.close()
    assert (int(figures.loc["incidents", "2026 Q3, days 1–31"]), int(figures.loc["items_filed", "2026 Q3, days 1–31"])) == july


# -- targets and risks (issue 13) -----------------------------------------------------------------

def test_the_pack_holds_targets_by_class_and_severity_as_the_items_add_up(pack):
    targets, items = pack["csv"]["follow-up-targets-by-class-and-severity.csv"], pack["csv"]["action-items.csv"]
    cells = targets[targets["total_level"] == 0].set_index(["class", "severity"])
    assert len(cells) >= 4
    for (cls, severity), row in cells.iterrows():
        group = items[(items["class"] == cls) & (items["severity"].fillna("(none)") == severity)]
        assert row["items"] == len(group), (cls, severity)
        assert row["met"] == (group["met_target"] == True).sum(), (cls, severity)  # noqa: E712
        assert row["breached"] == group["is_past_target"].sum(), (cls, severity)
    total = targets[targets["total_level"] == 2].iloc[0]
    figures = pack["csv"]["figures.csv"].set_index("figure")["2026 Q3"]
    assert float(figures["target_attainment"]) == pytest.approx(total["attainment"])
    md = unescaped(pack["md"])
    section = md.split("## Follow-up targets by class and severity")[1].split("\n## ")[0]
    assert "| Class and severity | Items | Decided | Met | Missed | Attainment |" in section
    assert f"| All items | {total['items']} | {total['decided']} | {total['met']} |" in section
    summary = " ".join(summary_of(md))
    assert "were done by their target" in summary


def test_stalled_items_carry_their_risk_and_the_missing_ones_are_flagged(pack):
    stalled = pack["csv"]["stalled-strategic-items.csv"]
    assert stalled["risk"].notna().any() and stalled["missing_risk"].any()
    assert (stalled["missing_risk"] == stalled["risk"].isna()).all()
    section = unescaped(pack["md"]).split("## Stalled strategic items")[1].split("\n## ")[0]
    header = next(line for line in section.splitlines() if line.startswith("| Key"))
    assert "| Risk | No risk stated |" in header
    stated = stalled[stalled["risk"].notna()].head(15)
    shown = stalled.head(15)
    if stated.index.isin(shown.index).any():
        first = stated[stated.index.isin(shown.index)].iloc[0]
        assert first["risk"].split("\n")[0][:30] in section
