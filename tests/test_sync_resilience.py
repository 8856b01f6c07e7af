"""What a sync does when Jira struggles or refuses: every retry path, every refusal as one line
that says what to fix, and a token that never shows anywhere."""
from __future__ import annotations

import base64
import dataclasses
import email.utils
import gc
import logging
import re
import time

import pytest

from etl.config import parse_config
from etl.errors import UserError
from etl.jira.credentials import Credentials
from etl.jira.endpoints import DATACENTER
from etl.jira.http import JiraProblem, _gc_paused, parse_json
from etl.jira.sync import sync
from etl.rawstore import RawStore
from tests.fakejira import Fault, build_issues
from tests.fakejira.cli import cli_environment, etl_process
from tests.fakejira.harness import QUICK, config_for, jira, run, store  # noqa: F401

SEARCH = "/rest/api/3/search/jql$"
PASS = Fault()   # answer normally: lets a fault land on a later request


def gap_before_retry(site, path: str) -> float:
    first, second = site.served(path)[:2]
    return second.at - first.at


def test_429_waits_the_seconds_retry_after_gives(jira, store):
    site = jira(build_issues(120))
    site.fail(SEARCH, PASS, Fault(status=429, headers={"Retry-After": "1"}))
    assert run(site, store).issues == 120
    assert 1.0 <= site.served(SEARCH)[2].at - site.served(SEARCH)[1].at < 2.0


def test_429_waits_until_the_http_date_retry_after_gives(jira, store):
    site = jira(build_issues(20))
    site.fail(SEARCH, Fault(status=429, headers={"Retry-After": email.utils.formatdate(time.time() + 2, usegmt=True)}))
    assert run(site, store).issues == 20
    assert 0.9 <= gap_before_retry(site, SEARCH) < 3.0


@pytest.mark.parametrize("headers", [{}, {"Retry-After": "0"}], ids=["backoff", "retry-after"])
def test_503_is_retried(jira, store, headers):
    site = jira(build_issues(20))
    site.fail(SEARCH, Fault(status=503, headers=headers), Fault(status=503, headers=headers))
    assert run(site, store).issues == 20
    assert len(site.served(SEARCH)) == 3


@pytest.mark.parametrize("status", [500, 502, 504])
def test_server_errors_back_off_and_retry(jira, store, status):
    site = jira(build_issues(20, long_every=4))
    site.fail("bulkfetch", Fault(status=status), Fault(status=status))
    assert run(site, store).issues == 20
    assert len(site.served("bulkfetch")) == 3


def test_a_response_slower_than_the_read_timeout_is_retried(jira, store):
    site = jira(build_issues(20))
    site.fail(SEARCH, Fault(delay=1.0))   # the quick policy gives up reading after 0.5 s
    assert run(site, store).issues == 20
    assert len(site.served(SEARCH)) == 2


def test_a_page_that_is_not_json_is_fetched_again(jira, store):
    site = jira(build_issues(20))
    site.fail(SEARCH, Fault(body='{"issues": [{"id": "1"'), Fault(status=502), Fault(body='{"nextPageToken": "x"}'))
    assert run(site, store).issues == 20
    assert len(site.served(SEARCH)) == 4


def test_a_page_that_stays_malformed_ends_the_run_with_one_line(jira, store):
    site = jira(build_issues(20))
    site.fail(SEARCH, *[Fault(body="<!DOCTYPE html><title>Sign in</title>")] * 3)
    with pytest.raises(JiraProblem) as caught:
        run(site, store)
    message = str(caught.value)
    assert message == (f"Jira answered POST /rest/api/3/search/jql at {site.url} with a body that is not JSON "
                       "after 3 attempts over 0 s (it began '<!DOCTYPE html><title>Sign in</title>'); a proxy or "
                       "single sign-on page may be in the way")


def test_server_info_through_the_jira_library_gets_the_same_policy(jira, store):
    site = jira(build_issues(1))
    site.fail("/serverInfo$", Fault(status=502), *[Fault(body="<html>Log in</html>")] * 3)
    with pytest.raises(JiraProblem) as caught:
        run(site, store)
    assert str(caught.value).startswith(f"Jira answered GET /rest/api/2/serverInfo at {site.url} with a body that "
                                        "is not JSON after 4 attempts")
    assert "(it began '<html>Log in</html>')" in str(caught.value)


def test_retries_end_within_the_time_budget(jira, store):
    site = jira(build_issues(5))
    site.fail(SEARCH, *[Fault(status=503)] * 1000)
    began = time.monotonic()
    with pytest.raises(JiraProblem, match=r"^Jira kept failing the issue search at .* \(503 after \d+ attempts"):
        run(site, store, policy=dataclasses.replace(QUICK, budget_seconds=0.6))
    assert time.monotonic() - began < 2


def test_a_retry_after_beyond_the_budget_fails_at_once(jira, store):
    site = jira(build_issues(5))
    site.fail(SEARCH, Fault(status=429, headers={"Retry-After": "3600"}))
    began = time.monotonic()
    with pytest.raises(JiraProblem, match=r"kept rate-limiting the issue search .* asked to wait 3600 s\): "
                                          "try again later$"):
        run(site, store)
    assert time.monotonic() - began < 1 and len(site.served(SEARCH)) == 1


def test_an_unreachable_site_is_one_line(jira, store):
    site = jira(build_issues(1))
    site.stop()
    with pytest.raises(JiraProblem, match=rf"^could not reach {site.url} for server information .*: check "
                                          r"\[jira\].url and your network$"):
        run(site, store, policy=dataclasses.replace(QUICK, budget_seconds=0.2))


@pytest.mark.parametrize("flavour, names", [("cloud", "JIRA_EMAIL and JIRA_API_TOKEN"), ("datacenter", "JIRA_PAT")])
def test_rejected_credentials_say_which_to_check(jira, store, flavour, names):
    site = jira(build_issues(1), flavour=flavour)
    wrong = Credentials(email=site.email, api_token="expired", pat="expired")
    with pytest.raises(JiraProblem) as caught:
        sync(config_for(site), store, credentials=wrong, policy=QUICK)
    assert str(caught.value) == f"Jira rejected the credentials for {site.url}: check {names}"


def test_forbidden_says_which_permission(jira, store):
    site = jira(build_issues(1))
    site.fail(SEARCH, Fault(status=403))
    with pytest.raises(JiraProblem) as caught:
        run(site, store)
    assert str(caught.value) == (f"Jira refused the issue search at {site.url} (403 Forbidden: injected 403): the "
                                 "account behind JIRA_EMAIL and JIRA_API_TOKEN needs permission to browse the "
                                 "projects your JQL names")


def test_a_wrong_site_address_is_404_with_what_to_fix(jira, store):
    site = jira(build_issues(1))
    cfg = config_for(site).replace(jira={"url": site.url + "/jira"})
    with pytest.raises(JiraProblem) as caught:
        sync(cfg, store, credentials=Credentials(email=site.email, api_token=site.api_token), policy=QUICK)
    assert str(caught.value) == (f"{site.url}/jira has no server information (GET /rest/api/2/serverInfo answered "
                                 "404 Not Found): check that [jira].url is your site's root address")


def test_a_retired_api_is_410_with_what_to_fix(jira, store):
    site = jira(build_issues(1))   # Cloud, asked the way Data Center is
    with pytest.raises(JiraProblem) as caught:
        run(site, store, endpoints=dict(DATACENTER))
    assert str(caught.value) == (f"{site.url} has retired POST /rest/api/2/search (410 Gone), which the issue "
                                 "search needs: update Followthrough")


def test_a_query_jira_rejects_quotes_jira_and_names_the_setting(jira, store):
    site = jira(build_issues(1))
    cfg = config_for(site).replace(jira={"incident_jql": "project = NOPE"})
    with pytest.raises(JiraProblem) as caught:
        sync(cfg, store, credentials=Credentials(email=site.email, api_token=site.api_token), policy=QUICK)
    assert str(caught.value).startswith(f"Jira refused the issue search at {site.url} (400: the fake site only "
                                        "knows ")
    assert str(caught.value).endswith(": check [jira].incident_jql and action_item_jql")


@pytest.mark.parametrize("url, message", [
    ("", "[jira].url is not set"), ("jira.example.com", "is not a web address"),
    ("https://me:secret@jira.example.com", "must not contain credentials")])
def test_a_bad_site_address_is_caught_before_any_request(store, url, message):
    with pytest.raises(UserError, match=re.escape(message)):
        cfg = parse_config({"jira": {"url": url, "incident_jql": "project = OPS"}})
        sync(cfg, store, credentials=Credentials(pat="x"), policy=QUICK)


def test_the_token_appears_in_no_log_line_error_or_stored_row(jira, tmp_path, caplog):
    token = "tok-DO-NOT-LEAK-7f3a91"
    site = jira(build_issues(60, long_every=4), api_token=token)
    secrets = [token, base64.b64encode(f"{site.email}:{token}".encode()).decode()]
    caplog.set_level(logging.DEBUG)
    site.fail(SEARCH, PASS, Fault(status=429, headers={"Retry-After": "0"}), Fault(status=500),
              Fault(body="not json"), Fault(delay=1.0), Fault(status=403))
    store_path = tmp_path / "warehouse.duckdb"
    errors = []
    with RawStore(store_path) as raw:
        for credentials in (Credentials(email=site.email, api_token=token),            # fails on the 403
                            Credentials(email=site.email, api_token=token),            # resumes, completes
                            Credentials(email=site.email, api_token=token + "x")):     # rejected
            try:
                sync(config_for(site), raw, credentials=credentials, policy=QUICK, reconcile=True)
            except UserError as exc:
                errors.append(repr(exc) + str(exc))
        rows = [str(row) for table in ("raw_loads", "raw_issues", "raw_changelogs", "raw_rejects", "retired_issues",
                                       "sync_state") for row in raw.con.execute(f"SELECT * FROM {table}").fetchall()]
    assert len(errors) == 2 and "rejected the credentials" in errors[1]
    assert any("retrying" in r.getMessage() for r in caplog.records)

    cli = etl_process(cli_environment(site, tmp_path / "cli"), "sync")
    out, err = cli.communicate(timeout=60)
    assert cli.returncode == 0, err

    texts = errors + rows + [out, err] + [r.getMessage() for r in caplog.records] + [caplog.text]
    for secret in secrets:
        assert not [t for t in texts if secret in t]
        for path in (store_path, tmp_path / "cli" / "data" / "warehouse.duckdb"):
            assert secret.encode() not in path.read_bytes()


def test_the_collector_paused_for_parsing_resumes_only_when_the_last_parser_is_done():
    assert gc.isenabled()
    _gc_paused.__enter__()           # a fetching thread starts a page
    assert parse_json('{"issues": []}') == {"issues": []}
    assert not gc.isenabled()        # the main thread's parse ended, the other has not
    _gc_paused.__exit__(None, None, None)
    assert gc.isenabled()
