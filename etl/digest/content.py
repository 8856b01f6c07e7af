"""What a team's digest says, read from the published database by the dashboard's own queries
(followthrough/queries/digest_*.sql), so a digest and the pages cannot disagree."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from etl.errors import UserError

QUERIES = Path(__file__).resolve().parents[2] / "followthrough" / "queries"
# Each section's title and how a line's days read; in the order the digest shows them.
SECTIONS = {
    "breached": ("Past target", "{days} days past target"),
    "near": ("Near target", "target in {days} days"),
    "stalled": ("Newly stalled strategic items", "stalled {days} days ago"),
    "handover": ("Strategic items not handed over", "filed {days} days ago"),
    "postmortem": ("Post-mortem gaps", "resolved {days} days ago, no action item"),
}
# A digest is read at a glance: longer lists say how many more there are.
LINES_PER_SECTION = 10
SUMMARY_CHARS = 90
SLACK_SECTION_CHARS = 2_900


@dataclass(frozen=True)
class Line:
    key: str
    summary: str
    owner: str
    url: str | None
    detail: str


@dataclass
class Digest:
    team: str
    as_of: datetime
    sections: dict[str, list[Line]] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not any(self.sections.values())

    def counts(self) -> str:
        return ", ".join(f"{len(lines)} {SECTIONS[name][0].lower()}" for name, lines in self.sections.items() if lines)


class Published:
    """The published database, read-only, with the selection a digest reads: all time, one team."""

    def __init__(self, path: Path):
        if not path.exists():
            raise UserError(f"no published database at {path}: run a sync, an import or `python -m etl demo` first")
        self.con = duckdb.connect(str(path), read_only=True)
        self.as_of, self.is_demo = self.con.execute("SELECT as_of, coalesce(is_demo, false) "
                                                    "FROM marts.build_info").fetchall()[0]
        self.new_stall_days = self.con.execute("SELECT digest_new_stall_days FROM config.settings").fetchall()[0][0]

    def close(self) -> None:
        self.con.close()

    def selection(self, teams: list[str]) -> dict:
        # Items may be filed up to a day after the as-of time (see stg_issue_candidates).
        return {"start": datetime(1970, 1, 1), "end": self.as_of + timedelta(days=2),
                "severity": [], "service": [], "team": teams}

    def teams(self) -> list[str]:
        return [t for (t,) in self._run("digest_teams", sel=self.selection([]))]

    def digest(self, team: str, since: datetime | None) -> Digest:
        """`since`: the as-of time of the team's previous digest; strategic items that stalled after
        it are new. Without one, those that stalled in [digest].new_stall_days."""
        since = since or self.as_of - timedelta(days=self.new_stall_days)
        rows = self._run("digest_items", sel=self.selection([team]), since=since)
        digest = Digest(team, self.as_of, {name: [] for name in SECTIONS})
        for _, section, key, summary, owner, url, days in rows:
            digest.sections[section].append(Line(key, _short(summary), owner, url,
                                                 SECTIONS[section][1].format(days=int(days))))
        return digest

    def _run(self, name: str, **params) -> list[tuple]:
        return self.con.execute((QUERIES / f"{name}.sql").read_text(), params).fetchall()


def _short(text: str | None) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= SUMMARY_CHARS else text[:SUMMARY_CHARS - 1] + "…"


def text_body(digest: Digest) -> str:
    """The digest as plain text: the e-mail, and what --dry-run prints."""
    out = [f"Followthrough digest for {digest.team}, as of {digest.as_of:%d %b %Y %H:%M} UTC", ""]
    for name, lines in digest.sections.items():
        if not lines:
            continue
        out.append(f"{SECTIONS[name][0]} ({len(lines)})")
        for line in lines[:LINES_PER_SECTION]:
            out.append(f"- {line.key} {line.summary} ({line.owner}, {line.detail})")
            if line.url:
                out.append(f"  {line.url}")
        if len(lines) > LINES_PER_SECTION:
            out.append(f"  ... and {len(lines) - LINES_PER_SECTION} more on the dashboard")
        out.append("")
    return "\n".join(out)


def slack_blocks(digest: Digest) -> dict:
    """The digest as a Slack message (Block Kit), Jira text escaped so it cannot mention or link."""
    blocks = [{"type": "header", "text": {"type": "plain_text", "text": f"Followthrough: {digest.team}"[:150]}},
              {"type": "context", "elements": [{"type": "mrkdwn", "text": _escape(
                  f"As of {digest.as_of:%d %b %Y %H:%M} UTC: {digest.counts()}")}]}]
    for name, lines in digest.sections.items():
        if not lines:
            continue
        shown = [f"• {_link(line)} {_escape(line.summary)} ({_escape(line.owner)}, {line.detail})"
                 for line in lines[:LINES_PER_SECTION]]
        # Slack refuses a section longer than 3,000 characters; long URLs can get there.
        while len("\n".join(shown)) > SLACK_SECTION_CHARS:
            shown.pop()
        if len(lines) > len(shown):
            shown.append(f"… and {len(lines) - len(shown)} more on the dashboard")
        blocks.append({"type": "section", "text": {"type": "mrkdwn",
                                                   "text": f"*{SECTIONS[name][0]}* ({len(lines)})\n" + "\n".join(shown)}})
    return {"text": f"Followthrough digest for {digest.team}: {digest.counts()}", "blocks": blocks}


def _escape(text: str) -> str:
    # The three characters Slack's mrkdwn gives meaning to: <!channel>, <url|text>, &entities;.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link(line: Line) -> str:
    return f"<{line.url}|{line.key}>" if line.url and "|" not in line.url else _escape(line.key)
