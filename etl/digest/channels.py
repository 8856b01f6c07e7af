"""Where digests go: a Slack incoming webhook and e-mail over SMTP with STARTTLS, set in the
environment or in .streamlit/secrets.toml (top-level keys of the same names; the environment
wins), never in the configuration file. The webhook URL and the SMTP password are secrets: they
are registered with the redactor and no message here ever names them."""
from __future__ import annotations

import os
import smtplib
import ssl
import tomllib
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import requests
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from datapaths import PROJECT_ROOT
from etl.digest.content import Digest, slack_blocks, text_body
from etl.errors import UserError
from etl.redact import redact, register

SECRETS = PROJECT_ROOT / ".streamlit" / "secrets.toml"
NAMES = ("FOLLOWTHROUGH_SLACK_WEBHOOK", "FOLLOWTHROUGH_SMTP_HOST", "FOLLOWTHROUGH_SMTP_PORT",
         "FOLLOWTHROUGH_SMTP_USER", "FOLLOWTHROUGH_SMTP_PASSWORD", "FOLLOWTHROUGH_SMTP_FROM", "FOLLOWTHROUGH_SMTP_TO")
TIMEOUT_SECONDS = 15


class Transient(Exception):
    """A failure worth another attempt: no connection, a timeout, the far end busy (429, 4xx SMTP, 5xx HTTP)."""


class Refused(Exception):
    """A failure another attempt will not mend: a wrong webhook, a refused sign-in or recipient."""


@dataclass(frozen=True)
class Slack:
    webhook: str = field(repr=False)
    name: str = "slack"

    def send(self, digest: Digest) -> None:
        try:
            reply = requests.post(self.webhook, json=slack_blocks(digest), timeout=TIMEOUT_SECONDS)
        except requests.RequestException as exc:
            # Its text holds the URL, which is the secret: only its kind is told.
            raise Transient(f"no answer ({type(exc).__name__})") from None
        if reply.status_code == 429 or reply.status_code >= 500:
            raise Transient(f"HTTP {reply.status_code}")
        if reply.status_code != 200:
            raise Refused(f"HTTP {reply.status_code} {redact(reply.text[:80])}".strip())


@dataclass(frozen=True)
class Email:
    host: str
    port: int
    sender: str
    recipients: tuple[str, ...]
    user: str = ""
    password: str = field(default="", repr=False)
    name: str = "email"

    def send(self, digest: Digest) -> None:
        message = EmailMessage()
        message["Subject"] = f"Followthrough digest for {digest.team}: {digest.counts()}"
        message["From"] = self.sender
        message["To"] = ", ".join(self.recipients)
        message.set_content(text_body(digest))
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
                # STARTTLS is required: the password and the digest never cross the network in clear.
                smtp.starttls(context=ssl.create_default_context())
                if self.user:
                    smtp.login(self.user, self.password)
                smtp.send_message(message)
        except smtplib.SMTPNotSupportedError:
            raise Refused(f"{self.host} does not offer STARTTLS") from None
        except smtplib.SMTPResponseException as exc:
            text = f"SMTP {exc.smtp_code} {redact(_text(exc.smtp_error))}"
            raise (Transient(text) if 400 <= exc.smtp_code < 500 else Refused(text)) from None
        except smtplib.SMTPRecipientsRefused:
            raise Refused("every recipient was refused") from None
        except ssl.SSLError as exc:
            raise Refused(f"TLS failed ({redact(exc.reason or type(exc).__name__)})") from None
        except (OSError, smtplib.SMTPException) as exc:
            raise Transient(f"no answer from {self.host}:{self.port} ({type(exc).__name__})") from None


def _text(error) -> str:
    return (error.decode(errors="replace") if isinstance(error, bytes) else str(error))[:120]


def deliver(channel, digest: Digest, attempts: int) -> None:
    """Sends, trying again after a transient failure, `attempts` times in all, waits doubling from
    half a second; the last failure is raised."""
    for attempt in Retrying(stop=stop_after_attempt(attempts), wait=wait_exponential(multiplier=0.5, max=8),
                            retry=retry_if_exception_type(Transient), reraise=True):
        with attempt:
            channel.send(digest)


def configured(environ: dict | None = None, secrets_file: Path = SECRETS) -> list:
    """The channels set up in the environment or the Streamlit secrets; a half-configured one is
    a one-line error naming what is missing."""
    values = {**_secrets(secrets_file), **{k: v for k, v in (environ or os.environ).items() if k in NAMES and v}}
    register(*(values.get(k, "") for k in ("FOLLOWTHROUGH_SLACK_WEBHOOK", "FOLLOWTHROUGH_SMTP_PASSWORD")))
    channels = []
    if webhook := values.get("FOLLOWTHROUGH_SLACK_WEBHOOK", "").strip():
        parts = urlsplit(webhook)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UserError("FOLLOWTHROUGH_SLACK_WEBHOOK is not a web address (https://hooks.slack.com/services/...)")
        channels.append(Slack(webhook))
    if host := values.get("FOLLOWTHROUGH_SMTP_HOST", "").strip():
        missing = [k for k in ("FOLLOWTHROUGH_SMTP_FROM", "FOLLOWTHROUGH_SMTP_TO") if not values.get(k, "").strip()]
        if missing:
            raise UserError(f"FOLLOWTHROUGH_SMTP_HOST is set but {' and '.join(missing)} not")
        port = values.get("FOLLOWTHROUGH_SMTP_PORT", "587").strip()
        if not port.isdigit() or not 0 < int(port) < 65536:
            raise UserError(f"FOLLOWTHROUGH_SMTP_PORT={port!r} is not a port number")
        if values.get("FOLLOWTHROUGH_SMTP_PASSWORD") and not values.get("FOLLOWTHROUGH_SMTP_USER"):
            raise UserError("FOLLOWTHROUGH_SMTP_PASSWORD is set but FOLLOWTHROUGH_SMTP_USER not")
        recipients = tuple(r.strip() for r in values["FOLLOWTHROUGH_SMTP_TO"].split(",") if r.strip())
        channels.append(Email(host, int(port), values["FOLLOWTHROUGH_SMTP_FROM"].strip(), recipients,
                              values.get("FOLLOWTHROUGH_SMTP_USER", "").strip(),
                              values.get("FOLLOWTHROUGH_SMTP_PASSWORD", "")))
    return channels


def _secrets(path: Path) -> dict[str, str]:
    if not path.is_file():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        # Its text could quote a secret: only where the problem is, not what.
        raise UserError(f"{path}: not valid TOML") from None
    return {k: str(data[k]) for k in NAMES if k in data and data[k] != ""}
