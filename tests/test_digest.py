"""`python -m etl digest` against a real HTTP receiver and a real SMTP server with STARTTLS, both
on 127.0.0.1: what each team is sent, once a day, retried within a bound, and never a secret in
what the command prints."""
import copy
import json

import pytest

from digest_receivers import Mailbox, Webhook, make_certificate, smtp_server
from test_targets import AS_OF, CONFIG, ISSUES, item

PASSWORD = "smtp-pa55word-xyz"
# Filed 28 April, never started: it stalled (30 days idle) on 28 May, four days before the as-of time.
HOSTILE = "<!channel> click <https://evil.example|here>"
DIGEST_ISSUES = copy.deepcopy(ISSUES) + [item("ACT-7", "2026-04-28", "OPS-6", "strategic", assignee="Dana")]
DIGEST_ISSUES[7]["fields"]["summary"] = HOSTILE  # ACT-1


@pytest.fixture
def site(workspace, etl, tmp_path, monkeypatch):
    """The test_targets data published, and the digest's environment cleared of real channels."""
    for name in ("FOLLOWTHROUGH_SLACK_WEBHOOK", "FOLLOWTHROUGH_SMTP_HOST", "FOLLOWTHROUGH_SMTP_PORT",
                 "FOLLOWTHROUGH_SMTP_USER", "FOLLOWTHROUGH_SMTP_PASSWORD", "FOLLOWTHROUGH_SMTP_FROM",
                 "FOLLOWTHROUGH_SMTP_TO"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "followthrough.toml"
    config.write_text(CONFIG)
    monkeypatch.setenv("FOLLOWTHROUGH_CONFIG", str(config))
    data = tmp_path / "issues.ndjson"
    data.write_text("".join(json.dumps(i) + "\n" for i in DIGEST_ISSUES))
    code, _, err = etl("import-json", data, "--as-of", AS_OF)
    assert code == 0, err
    return workspace


@pytest.fixture
def webhook(monkeypatch):
    receiver = Webhook()
    monkeypatch.setenv("FOLLOWTHROUGH_SLACK_WEBHOOK", receiver.url)
    yield receiver
    receiver.close()


@pytest.fixture
def mailbox(tmp_path, monkeypatch):
    cert, key = make_certificate(tmp_path)
    box = Mailbox("digest-bot", PASSWORD)
    server = smtp_server(box, cert, key)
    # The client trusts the test's certificate the way OpenSSL lets any program be told to.
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    for name, value in (("HOST", "127.0.0.1"), ("PORT", str(server.port)), ("USER", "digest-bot"),
                        ("PASSWORD", PASSWORD), ("FROM", "followthrough@example.com"),
                        ("TO", "payments-lead@example.com, sre@example.com")):
        monkeypatch.setenv(f"FOLLOWTHROUGH_SMTP_{name}", value)
    yield box
    server.stop()


def slack_text(post: dict) -> str:
    return "\n".join(block["text"]["text"] if "text" in block else block["elements"][0]["text"]
                     for block in post["json"]["blocks"])


def test_dry_run_prints_each_teams_digest_and_sends_nothing(site, etl, webhook):
    code, out, err = etl("digest", "--dry-run")
    assert code == 0, err
    assert webhook.posts == []
    data, payments = out.split("team Payments: ")
    assert data.startswith("team Data: would send to slack:") and payments.startswith("would send to slack:")
    assert "Past target (2)\n- ACT-1" in payments and "(Alice, 119 days past target)" in payments
    assert "https://jira.example.com/browse/ACT-1" in payments
    assert "Near target (1)\n- ACT-5 Summary of ACT-5 (Carol, target in 6 days)" in payments
    assert "Strategic items not handed over (2)" in payments
    # ACT-7 stalled four days ago; the team's first digest looks back [digest].new_stall_days (7).
    assert "Newly stalled strategic items (1)\n- ACT-7 Summary of ACT-7 (Dana, stalled 4 days ago)" in data
    assert "Post-mortem gaps (1)\n- OPS-4 Summary of OPS-4 (no owner, resolved 31 days ago, no action item)" in data
    assert "s3cr3t" not in out + err


def test_each_team_gets_one_slack_message_and_one_email_a_day(site, etl, webhook, mailbox):
    code, out, err = etl("digest")
    assert code == 0, err
    assert "team Payments: sent to slack" in out and "team Data: sent to email" in out
    assert [p["path"] for p in webhook.posts] == ["/services/T000/B000/s3cr3t-webhook-token"] * 2
    payments = slack_text(webhook.posts[1] if "Data" in slack_text(webhook.posts[0]) else webhook.posts[0])
    # Jira text cannot mention the channel or make a link; the item's own key links to Jira.
    assert "&lt;!channel&gt; click &lt;https://evil.example|here&gt;" in payments
    assert "<!channel>" not in payments
    assert "<https://jira.example.com/browse/ACT-1|ACT-1>" in payments
    assert [m["tls"] and m["login"] for m in mailbox.messages] == [True, True]
    subjects = sorted(m["message"]["Subject"] for m in mailbox.messages)
    assert subjects[1].startswith("Followthrough digest for Payments: 2 past target, 1 near target")
    assert mailbox.messages[0]["to"] == ["payments-lead@example.com", "sre@example.com"]

    code, out, err = etl("digest")
    assert code == 0, err
    assert out.count("already sent to") == 4 and len(webhook.posts) == 2 and len(mailbox.messages) == 2
    code, out, err = etl("digest", "--team", "Data", "--force")
    assert code == 0, err
    assert len(webhook.posts) == 3 and len(mailbox.messages) == 3
    assert PASSWORD not in out + err and "s3cr3t" not in out + err


def test_newly_stalled_means_since_the_previous_digest(site, etl, webhook):
    assert etl("digest", "--team", "Data")[0] == 0
    assert "Newly stalled" in slack_text(webhook.posts[0])
    code, _, err = etl("publish", "--as-of", "2026-06-03T00:00:00")
    assert code == 0, err
    assert etl("digest", "--team", "Data", "--force")[0] == 0
    # ACT-7 stalled before the data of the previous digest: it is not news any more.
    assert "Newly stalled" not in slack_text(webhook.posts[1])


def test_a_failing_channel_is_retried_then_named_in_one_line(site, etl, webhook):
    webhook.replies[:] = [500]
    code, out, err = etl("digest", "--team", "Payments")
    assert code == 1
    assert err == "error: slack: the digest for team Payments was not delivered after 3 attempts: HTTP 500\n"
    assert len(webhook.posts) == 3
    # Not recorded as sent: the next run, with the receiver back, delivers it.
    webhook.replies[:] = [503, 200]
    code, out, err = etl("digest", "--team", "Payments")
    assert code == 0, err
    assert len(webhook.posts) == 5 and "sent to slack" in out


def test_a_refused_webhook_is_not_retried(site, etl, webhook):
    webhook.replies[:] = [404]
    code, out, err = etl("digest", "--team", "Payments")
    assert (code, len(webhook.posts)) == (1, 1)
    assert err == "error: slack: the digest for team Payments was not delivered: HTTP 404 no_service\n"


def test_a_wrong_smtp_password_is_named_without_the_password(site, etl, mailbox, monkeypatch):
    monkeypatch.setenv("FOLLOWTHROUGH_SMTP_PASSWORD", "wrong-password-123")
    code, out, err = etl("digest", "--team", "Payments")
    assert code == 1 and mailbox.messages == []
    assert err.startswith("error: email: the digest for team Payments was not delivered: SMTP 535")
    assert err.count("\n") == 1 and "wrong-password-123" not in out + err


def test_an_smtp_server_that_is_down_is_retried_and_named(site, etl, monkeypatch):
    for name, value in (("HOST", "127.0.0.1"), ("PORT", "9"), ("FROM", "a@example.com"), ("TO", "b@example.com")):
        monkeypatch.setenv(f"FOLLOWTHROUGH_SMTP_{name}", value)
    code, out, err = etl("digest", "--team", "Data")
    assert code == 1
    assert err == ("error: email: the digest for team Data was not delivered after 3 attempts: "
                   "no answer from 127.0.0.1:9 (ConnectionRefusedError)\n")


@pytest.mark.parametrize("env, args, message", [
    ({}, (), "error: no delivery configured: set FOLLOWTHROUGH_SLACK_WEBHOOK, or FOLLOWTHROUGH_SMTP_HOST, "
             "_FROM and _TO, in the environment or .streamlit/secrets.toml\n"),
    ({"FOLLOWTHROUGH_SMTP_HOST": "mail.example.com"}, (),
     "error: FOLLOWTHROUGH_SMTP_HOST is set but FOLLOWTHROUGH_SMTP_FROM and FOLLOWTHROUGH_SMTP_TO not\n"),
    ({"FOLLOWTHROUGH_SLACK_WEBHOOK": "hooks.slack.com/services/s3cr3t-webhook"}, (),
     "error: FOLLOWTHROUGH_SLACK_WEBHOOK is not a web address (https://hooks.slack.com/services/...)\n"),
    ({}, ("--team", "Nobody"), "error: no team 'Nobody' in the published data; teams: Data, Payments\n"),
])
def test_bad_input_is_one_line(site, etl, monkeypatch, env, args, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    code, out, err = etl("digest", *args)
    assert (code, err) == (1, message)


def test_without_a_published_database(workspace, etl):
    code, out, err = etl("digest", "--dry-run")
    assert code == 1 and err.startswith("error: no published database at ") and err.count("\n") == 1
