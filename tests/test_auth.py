"""Who the allow-list lets in, case by case; tests/test_signin.py signs in for real."""
import logging
import shutil

import duckdb
import pytest

from followthrough.auth import AccessRules, access_rules
from test_signin import with_access_rules

RULES = AccessRules(emails=frozenset({"carol@partner.org"}), domains=frozenset({"example.com"}))


@pytest.mark.parametrize("email, verified", [
    ("carol@partner.org", True), ("Carol@Partner.ORG", True),   # a listed address, in any case
    ("bob@example.com", True), ("BOB@EXAMPLE.COM", None),       # at a listed domain; no claim is no denial
    ('"odd@name"@example.com', True),                          # the domain is what follows the last @
])
def test_listed_addresses_and_domains_are_let_in(email, verified):
    assert RULES.admits(email, verified)


@pytest.mark.parametrize("email, verified", [
    ("mallory@evil-example.com", True),     # ends in the listed domain's name
    ("mallory@example.com.evil.org", True),  # starts with it
    ("sam@eu.example.com", True),           # below it
    ("dan@partner.org", True),              # a listed address's domain is not listed
    ("eve@example.com", False), ("eve@example.com", "false"),   # not verified, as a flag or as text
    ("example.com", True), ("@example.com", True), ("bob@", True),
    ("bob@example.com ", True),             # not the address listed
    (None, True), ("", True),
])
def test_anyone_else_is_refused(email, verified):
    assert not RULES.admits(email, verified)


def test_an_empty_list_lets_no_one_in():
    assert not AccessRules(frozenset(), frozenset()).admits("bob@example.com", True)


def test_the_dashboard_reads_the_published_allow_list(demo_db, dashboard_on, tmp_path):
    dashboard_on(with_access_rules(demo_db, tmp_path / "followthrough.duckdb", [
        ("email", " Carol@Partner.org "), ("domain", "Example.COM"), ("domain", None), ("team", "ops")]))
    assert access_rules() == RULES


def test_a_file_published_before_allow_lists_holds_none_and_logs_no_failure(demo_db, dashboard_on, tmp_path, caplog):
    older = tmp_path / "followthrough.duckdb"
    shutil.copy(demo_db, older)
    with duckdb.connect(str(older)) as con:
        con.execute("DROP TABLE IF EXISTS config.access_rules")
    dashboard_on(older)
    with caplog.at_level(logging.WARNING):
        assert access_rules() is None
    assert not caplog.records
