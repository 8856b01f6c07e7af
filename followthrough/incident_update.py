"""One incident's follow-up update: what happened, its action items done, dropped and open with
owners and due dates, what is late, whether its open items are stalled, and whether it has come
back since, as of the data's as-of time. Written as the quarterly pack is (Markdown, one offline
HTML file, the tables as CSV in a zip) by followthrough/export.py; the Incident explorer's
downloads and `python -m etl report --incident KEY` both call `gather` and `files`.

The summary is written from the tables alone, so every number in it is in them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from followthrough import export
from followthrough.db import query
from followthrough.style import counted, duration_days, number


class UnknownIncident(LookupError):
    """No incident with that key in the published data."""


@dataclass(frozen=True)
class Update:
    incident: pd.Series       # followthrough/queries/explorer_incident.sql
    items: pd.DataFrame       # explorer_update_items.sql, at as_of
    returns: pd.DataFrame     # explorer_recurrences.sql
    as_of: datetime

    @property
    def key(self) -> str:
        return self.incident["issue_key"]

    @property
    def open(self) -> pd.DataFrame:
        return self.items[self.items["state"] == "open"]

    @property
    def late(self) -> pd.DataFrame:
        return self.open[self.open["is_overdue"] | self.open["is_past_target"]]

    @property
    def came_back(self) -> pd.DataFrame:
        """The later incidents that repeated it (evidence that counts as a repeat)."""
        later = self.returns[self.returns["relation"] == "repeated later"]
        return later[later["counts_as_repeat"]]


def gather(key: str, as_of: datetime) -> Update:
    incident = query("explorer_incident", key=key)
    if incident.empty:
        raise UnknownIncident(f"no incident {key!r} in the published data")
    return Update(incident.iloc[0], query("explorer_update_items", key=key, at=as_of),
                  query("explorer_recurrences", key=key), as_of)


def title(update: Update) -> str:
    return f"Incident update {update.key}"


# -- the figures and the sentences ---------------------------------------------------------------

def figures(update: Update) -> pd.DataFrame:
    """The counts the summary speaks of, as the table 'Follow-through' shows them."""
    items, open_ = update.items, update.open
    rows = [
        ("Action items", len(items)),
        ("Done", int((items["state"] == "done").sum())),
        ("Dropped", int((items["state"] == "dropped").sum())),
        ("Open", len(open_)),
        ("Open and overdue (past the due date)", int(open_["is_overdue"].sum())),
        ("Open and past target", int(open_["is_past_target"].sum())),
        ("Done by its target", int((items["state"].eq("done") & _met(items, True)).sum())),
        ("Done after its target", len(_done_late(update))),
        ("Open and stalled", int(open_["is_stalled"].sum())),
        ("Repeats since", len(update.came_back)),
        ("Repeats since while its items were open", int((update.came_back["earlier_items_open_then"] > 0).sum())),
        ("Later incidents on its service, not repeats", len(_same_service_since(update))),
    ]
    return pd.DataFrame(rows, columns=["Figure", "Value"]).assign(Value=lambda f: f["Value"].map(number))


def sentences(update: Update) -> list[str]:
    i, items, open_ = update.incident, update.items, update.open
    facts = ", ".join(v for v in (i["severity"], _text(i["service"])) if v)
    said = [f"{update.key} ({facts}) was opened on {_day(i['created_at'])} and "
            + (f"resolved in {duration_days(i['days_to_resolve'])}." if pd.notna(i["resolved_at"])
               else "is not resolved.")]
    if items.empty:
        said.append("No action item is tied to it.")
    else:
        done, dropped = (int((items["state"] == s).sum()) for s in ("done", "dropped"))
        said.append(f"It has {counted(len(items), 'action item')}: {number(done)} done, {number(dropped)} "
                    f"dropped and {number(len(open_))} open.")
        said.append(_late(update))
        done_late = _done_late(update)
        if len(done_late):
            one = len(done_late) == 1
            said.append(f"{counted(len(done_late), 'item')} {'was' if one else 'were'} done after "
                        f"{'its' if one else 'their'} target: "
                        + ", ".join(done_late["issue_key"]) + ".")
        stalled = open_[open_["is_stalled"]]
        if len(stalled):
            said.append(f"{_are(len(stalled), 'open item')} stalled: " + "; ".join(
                f"{r.issue_key} ({r.owner}), {counted(r.days_without_movement, 'day')} without movement"
                f" ({r.stall_reason})" for r in stalled.itertuples()) + ".")
        elif len(open_):
            said.append("No open item is stalled.")
    return said + _returns(update)


def _late(update: Update) -> str:
    late = update.late
    if update.open.empty:
        return "Nothing is open, so nothing is late."
    if late.empty:
        return "No open item is past its due date or its target."
    parts = []
    for r in late.itertuples():
        why = [f"{counted(r.days_overdue, 'day')} past its due date {_day(r.due_date)}" if r.is_overdue else "",
               f"{counted(r.days_past_target, 'day')} past its target" if r.is_past_target else ""]
        parts.append(f"{r.issue_key} ({r.owner}), " + " and ".join(w for w in why if w))
    return f"{_are(len(late), 'open item')} late: " + "; ".join(parts) + "."


def _returns(update: Update) -> list[str]:
    said = []
    earlier = update.returns[update.returns["relation"] == "repeats earlier"]
    for r in earlier.itertuples():
        what = "repeated" if r.counts_as_repeat else "came back on the same service as"
        said.append(f"It {what} {r.issue_key}, opened {_day(r.created_at)} ({r.evidence}), with "
                    f"{counted(r.earlier_items_open_then, 'action item')} of that incident open then.")
    back = update.came_back
    if back.empty:
        said.append("It has not come back since: no later incident repeats it.")
    else:
        while_open = int((back["earlier_items_open_then"] > 0).sum())
        times = "once" if len(back) == 1 else f"{number(len(back))} times"
        when = (("while its action items were open" if while_open else "after its action items were closed")
                if len(back) == 1 else f"{number(while_open)} of them while its action items were open")
        said.append(f"It has come back {times} since: "
                    + "; ".join(f"{r.issue_key} on {_day(r.created_at)} ({r.evidence})" for r in back.itertuples())
                    + f", {when}.")
    later = _same_service_since(update)
    if len(later):
        said.append(f"{_are(len(later), 'later incident')} on its service without evidence that counts as a repeat: "
                    + ", ".join(later["issue_key"]) + ".")
    return said


def _done_late(update: Update) -> pd.DataFrame:
    items = update.items
    return items[items["state"].eq("done") & _met(items, False)]


def _met(items: pd.DataFrame, met: bool) -> pd.Series:
    """Whether met_target is `met`; NULL (dropped, no target, not yet due) is neither."""
    return items["met_target"].astype("boolean").eq(met).fillna(False).astype(bool)


def _same_service_since(update: Update) -> pd.DataFrame:
    """Later incidents that came back on its service without evidence that counts as a repeat."""
    returns = update.returns
    return returns[(returns["relation"] == "repeated later") & ~returns["counts_as_repeat"]]


def _are(n: int, noun: str) -> str:
    return f"{counted(n, noun)} {'is' if n == 1 else 'are'}"


def _day(value) -> str:
    return "–" if pd.isna(value) else f"{value.day} {value:%b %Y}"


def _text(value) -> str:
    return "" if pd.isna(value) else str(value)


# -- the files -----------------------------------------------------------------------------------

def _meta(update: Update) -> list[str]:
    return [f"{update.key}: {_text(update.incident['summary'])}",
            f"Figures as of {update.as_of:%d %b %Y %H:%M} UTC."]


def report_tables(update: Update) -> list[export.Table]:
    """The tables of the Markdown and HTML files, formatted as the explorer shows them."""
    i = update.incident
    incident = pd.DataFrame([{
        "issue_key": i["issue_key"], "url": i["url"], "Summary": i["summary"], "Severity": i["severity"],
        "Service": _text(i["service"]), "Team": _text(i["team"]), "Status": i["status"],
        "Opened": _day(i["created_at"]), "Resolved": _day(i["resolved_at"]),
        "Time to resolve": duration_days(i["days_to_resolve"]) if pd.notna(i["resolved_at"]) else "not resolved"}])
    items = update.items
    tables = [
        export.Table("Incident", incident),
        export.Table("Follow-through", figures(update)),
        _items_table("Late", update.late, {
            "owner": "Owner", "due_date": "Due", "days_overdue": "Days overdue", "target_at": "Target",
            "days_past_target": "Days past target", "status": "Status"}),
        _items_table("Open action items", update.open, {
            "class": "Class", "owner": "Owner", "team": "Team", "status": "Status", "due_date": "Due",
            "target_at": "Target", "days_open": "Days open", "is_stalled": "Stalled",
            "days_without_movement": "Days without movement", "stall_reason": "Why stalled"}),
        _items_table("Done and dropped", items[items["state"] != "open"], {
            "state": "Outcome", "class": "Class", "owner": "Owner", "due_date": "Due", "closed_at": "Closed",
            "met_target": "Met target"}),
        _returns_table(update.returns),
    ]
    # An empty table says nothing the summary does not: "No open item is past its due date".
    return [t for t in tables if len(t.rows)]


def _items_table(title_: str, rows: pd.DataFrame, columns: dict[str, str]) -> export.Table:
    shown = rows[["issue_key", "url", "summary", *columns]].rename(columns={"summary": "Summary", **columns})
    for column in shown.columns:
        if column in ("Due", "Target", "Closed"):
            shown[column] = shown[column].map(_day)
        elif column.startswith("Days"):
            shown[column] = shown[column].map(lambda v: "–" if pd.isna(v) else number(v))
        elif column in ("Stalled", "Met target"):
            shown[column] = shown[column].map(lambda v: "–" if pd.isna(v) else "yes" if v else "no")
    return export.Table(title_, shown)


def _returns_table(rows: pd.DataFrame) -> export.Table:
    shown = pd.DataFrame({
        "Relation": rows["relation"], "issue_key": rows["issue_key"], "url": rows["url"], "Summary": rows["summary"],
        "Opened": rows["created_at"].map(_day), "Evidence": rows["evidence"],
        "A repeat": rows["counts_as_repeat"].map(lambda v: "yes" if v else "no"),
        "Days apart": rows["days_between"].map(lambda v: number(v, 1)),
        "Its items open then": rows["earlier_items_open_then"].map(number)})
    return export.Table("Repeats and returns", shown)


def csv_tables(update: Update) -> list[export.Table]:
    """The rows behind every figure and sentence, as numbers and timestamps."""
    return [export.Table("incident", update.incident.to_frame().T),
            export.Table("figures", figures(update)),
            export.Table("action items", update.items),
            export.Table("repeats and returns", update.returns)]


SUFFIXES = (".md", ".html", ".zip")
MIMES = {".md": "text/markdown", ".html": "text/html", ".zip": "application/zip"}


def build(update: Update, suffix: str) -> bytes:
    if suffix == ".md":
        return export.markdown_report(title(update), _meta(update), sentences(update), report_tables(update)).encode()
    if suffix == ".html":
        return export.html_report(title(update), _meta(update), sentences(update), [], report_tables(update)).encode()
    return export.csv_zip(csv_tables(update))


def files(update: Update) -> dict[str, bytes]:
    """The update's three files by name, as the explorer's downloads name them."""
    return {title(update) + suffix: build(update, suffix) for suffix in SUFFIXES}
