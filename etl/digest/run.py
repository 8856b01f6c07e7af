"""`python -m etl digest`: each team's digest, built from the published database, delivered to every
configured channel once a day. What was sent (team, day, channel) is recorded in the raw store, so
a second run the same day sends nothing again unless forced; a channel that fails is retried, then
named in one line, and the run ends non-zero."""
from __future__ import annotations

import sys
from datetime import datetime, timezone
from pathlib import Path

from datapaths import published_path, warehouse_path
from etl.config import Config
from etl.digest.channels import Refused, Transient, configured, deliver
from etl.digest.content import Published, text_body
from etl.errors import UserError, error_line
from etl.lock import etl_lock
from etl.rawstore import RawStore


def digest_command(cfg: Config, team: str | None, dry_run: bool, force: bool) -> int:
    published = Published(published_path())
    try:
        teams = published.teams()
        if team is not None and team not in teams:
            raise UserError(f"no team {team!r} in the published data; teams: {', '.join(teams) or 'none'}")
        chosen = [team] if team is not None else teams
        channels = configured()
        if dry_run:
            return _dry_run(published, chosen, channels, _store_path(published))
        if not channels:
            raise UserError("no delivery configured: set FOLLOWTHROUGH_SLACK_WEBHOOK, or FOLLOWTHROUGH_SMTP_HOST, "
                            "_FROM and _TO, in the environment or .streamlit/secrets.toml")
        path = _store_path(published)
        with etl_lock(path), RawStore(path) as store:
            return _send(published, store, chosen, channels, cfg.digest.attempts, force)
    finally:
        published.close()


def _store_path(published: Published) -> Path:
    # `etl demo` keeps its raw store apart (see cmd_demo), so the demo's digests are recorded there.
    return published_path().with_name("demo-warehouse.duckdb") if published.is_demo else warehouse_path()


def _dry_run(published: Published, teams: list[str], channels: list, path: Path) -> int:
    store = RawStore(path, read_only=True) if path.exists() else None
    try:
        for team in teams:
            digest = published.digest(team, _since(store, team))
            if digest.empty:
                print(f"team {team}: nothing to send")
                continue
            where = ", ".join(c.name for c in channels) or "nowhere (no channel is configured)"
            print(f"team {team}: would send to {where}:\n")
            print(text_body(digest))
    finally:
        if store:
            store.close()
    return 0


def _since(store: RawStore | None, team: str) -> datetime | None:
    if store is None or not store.con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = 'raw' "
                                              "AND table_name = 'sent_digests'").fetchall()[0][0]:
        return None
    return store.last_digest_as_of(team)


def _send(published: Published, store: RawStore, teams: list[str], channels: list, attempts: int,
          force: bool) -> int:
    today = datetime.now(timezone.utc).date()
    failures = []
    for team in teams:
        digest = published.digest(team, store.last_digest_as_of(team))
        if digest.empty:
            print(f"team {team}: nothing to send")
            continue
        for channel in channels:
            if not force and store.digest_sent(team, today, channel.name):
                print(f"team {team}: already sent to {channel.name} today (--force sends it again)")
                continue
            try:
                deliver(channel, digest, attempts)
            except (Transient, Refused) as exc:
                tries = f" after {attempts} attempts" if isinstance(exc, Transient) else ""
                failures.append(f"{channel.name}: the digest for team {team} was not delivered{tries}: {exc}")
                continue
            store.record_digest(team, today, channel.name, published.as_of)
            print(f"team {team}: sent to {channel.name} ({digest.counts()})")
    for failure in failures:
        print(error_line(failure), file=sys.stderr)
    return 1 if failures else 0
