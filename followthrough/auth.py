"""Who may see the dashboard once sign-in is configured.

Sign-in is Streamlit's OpenID Connect (st.login), configured under [auth] in
.streamlit/secrets.toml. Who may then look comes from [access] in the Followthrough configuration,
published with the data as config.access_rules, so every replica reading its own copy of the
published file lets in the same people. Anything unclear lets no one in.
"""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass

import streamlit as st

from followthrough.db import NoDatabase, QueryFailed, query
from followthrough.text import plain

log = logging.getLogger(__name__)

# Streamlit sends a visitor back to "/" after signing in, so a shared link (a quarter, an incident)
# opened before signing in was lost. The browser keeps where they were going, in the tab's
# sessionStorage, which lasts through the round trip to the provider, and goes back there once let
# in: the same origin only, and once. Both scripts are constants; nothing from a visitor is in them.
_RETURN_TO = json.dumps("followthrough.return_to")
_REMEMBER_WHERE = f"<script>sessionStorage.setItem({_RETURN_TO}, location.pathname + location.search)</script>"
_GO_BACK = f"""<script>
const saved = sessionStorage.getItem({_RETURN_TO});
if (saved !== null) {{
    sessionStorage.removeItem({_RETURN_TO});
    const target = new URL(saved, location.origin);
    if (target.origin === location.origin && target.pathname + target.search !== location.pathname + location.search)
        location.replace(target.href);
}}
</script>"""

HOW_TO_ALLOW = ("List who may see it under `[access]` in the Followthrough configuration file (`emails = [...]`, "
                "`domains = [...]`), then run `python -m etl publish`.")


@dataclass(frozen=True)
class AccessRules:
    emails: frozenset[str]
    domains: frozenset[str]

    def admits(self, email, email_verified) -> bool:
        """A verified address listed as it is, or at a listed domain (the whole domain, not a suffix)."""
        # Providers that send the claim as text send "false".
        if not isinstance(email, str) or str(email_verified).lower() == "false":
            return False
        address = email.lower()
        local, at, domain = address.rpartition("@")
        if not (local and at and domain):
            return False
        return address in self.emails or domain in self.domains


def sign_in_configured() -> bool:
    # Without a secrets file, `in st.secrets` raises instead of answering.
    return st.secrets.load_if_toml_exists() and "auth" in st.secrets


def access_rules() -> AccessRules | None:
    """The published allow-list; None when the published file holds none."""
    if not query("access_rules_published").iloc[0]["published"]:
        return None
    rows = query("access_rules")
    values = {kind: frozenset(rows.loc[rows["kind"] == kind, "value"].dropna().str.strip().str.lower())
              for kind in ("email", "domain")}
    return AccessRules(emails=values["email"], domains=values["domain"])


def gate() -> bool:
    """True when this visitor may see the dashboard; otherwise shows them only how to sign in, or
    that they may not, with a way to sign out."""
    if not sign_in_configured():
        return True
    if not st.user.is_logged_in:
        st.title("Followthrough")
        if st.button("Sign in", type="primary"):
            st.login()
        st.html(_REMEMBER_WHERE, unsafe_allow_javascript=True)
        return False
    try:
        rules = access_rules()
    except (NoDatabase, QueryFailed):
        rules = None
    if rules is None:
        return _refuse("No one can be let in yet: no published data holds an allow-list. " + HOW_TO_ALLOW)
    if not (rules.emails or rules.domains):
        return _refuse("No one is let in: the allow-list is empty. " + HOW_TO_ALLOW)
    if not rules.admits(st.user.get("email"), st.user.get("email_verified")):
        log.warning("refused %s: not on the allow-list", st.user.get("email"))
        return _refuse(f"{plain(st.user.get('email') or 'This account')} may not see this dashboard; "
                       "ask whoever runs it to add you.")
    return True


def signed_in_sidebar() -> None:
    """For a visitor who was let in: who they are and a way to sign out, and back to the page they
    asked for before signing in."""
    if sign_in_configured():
        st.sidebar.caption(plain(st.user.get("email")))
        if st.sidebar.button("Sign out"):
            st.logout()
        st.sidebar.html(_GO_BACK, unsafe_allow_javascript=True)


def _refuse(message: str) -> bool:
    st.title("Followthrough")
    st.warning(message, icon=":material/block:")
    if st.button("Sign out"):
        st.logout()
    return False
