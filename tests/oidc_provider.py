"""A local OpenID Connect provider for the sign-in tests, built on Authlib's server side.

It serves discovery, an authorization endpoint whose sign-in page is a form listing the test's
users (the browser picks one), a token endpoint that checks the client secret and PKCE and
returns an RS256 ID token, the JWKS that verifies it, and RP-initiated logout. Everything is in
memory and on 127.0.0.1; the signing key is made when the provider starts.

    with Provider(users, client_id="followthrough", client_secret=..., redirect_uri=...) as idp:
        idp.metadata_url   # for server_metadata_url in [auth]
"""
from __future__ import annotations

import html
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

from authlib.common.security import generate_token
from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.rfc6749 import JsonPayload, JsonRequest, OAuth2Payload, OAuth2Request, grants
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oidc.core import UserInfo
from authlib.oidc.core.grants import OpenIDCode
from authlib.oidc.rpinitiated import EndSessionEndpoint
from joserfc.jwk import KeySet, RSAKey

KEY_ID = "test-key"


@dataclass(frozen=True)
class User:
    sub: str
    email: str
    email_verified: bool = True
    name: str = ""


@dataclass
class Client:
    client_id: str
    client_secret: str
    redirect_uri: str

    @property
    def client_metadata(self) -> dict:
        # Streamlit sends the user back to its callback after logging out.
        return {"post_logout_redirect_uris": [self.redirect_uri]}

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return self.redirect_uri

    def get_allowed_scope(self, scope):
        return " ".join(s for s in scope.split() if s in ("openid", "email", "profile"))

    def check_redirect_uri(self, redirect_uri):
        return redirect_uri == self.redirect_uri

    def check_client_secret(self, client_secret):
        return client_secret == self.client_secret

    def check_endpoint_auth_method(self, method, endpoint):
        return method in ("client_secret_basic", "client_secret_post")

    def check_response_type(self, response_type):
        return response_type == "code"

    def check_grant_type(self, grant_type):
        return grant_type == "authorization_code"


@dataclass
class AuthorizationCode:
    code: str
    client_id: str
    redirect_uri: str
    scope: str
    user: User
    nonce: str | None
    code_challenge: str | None
    code_challenge_method: str | None
    auth_time: int = field(default_factory=lambda: int(time.time()))

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def get_nonce(self):
        return self.nonce

    def get_auth_time(self):
        return self.auth_time

    def get_acr(self):
        return None

    def get_amr(self):
        return None


class _Payload(OAuth2Payload, JsonPayload):
    def __init__(self, data: dict):
        self._data = data

    @property
    def data(self):
        return self._data

    @property
    def datalist(self):
        return {key: [value] for key, value in self._data.items()}


class _Request(OAuth2Request):
    """An HTTP request as Authlib's grants read it: query and form merged, as Flask's `values`."""

    def __init__(self, method: str, url: str, headers: dict, args: dict, form: dict):
        super().__init__(method, url, headers=headers)
        self._args, self._form = args, form
        self.payload = _Payload({**args, **form})

    @property
    def args(self):
        return self._args

    @property
    def form(self):
        return self._form


class _JsonRequest(JsonRequest):
    def __init__(self, request: _Request):
        super().__init__(request.method, request.uri, request.headers)
        self.payload = _Payload(request.form)


class _CodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def save_authorization_code(self, code, request):
        data = request.payload.data
        self.server.codes[code] = AuthorizationCode(
            code=code, client_id=request.client.client_id, redirect_uri=request.payload.redirect_uri,
            scope=request.scope, user=request.user, nonce=data.get("nonce"),
            code_challenge=data.get("code_challenge"), code_challenge_method=data.get("code_challenge_method"))

    def query_authorization_code(self, code, client):
        found = self.server.codes.get(code)
        return found if found and found.client_id == client.client_id else None

    def delete_authorization_code(self, authorization_code):
        self.server.codes.pop(authorization_code.code, None)

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class _OpenIDCode(OpenIDCode):
    def __init__(self, server: _Server):
        super().__init__(require_nonce=True)
        self.server = server

    def exists_nonce(self, nonce, request):
        return any(code.nonce == nonce for code in self.server.codes.values())

    def resolve_client_private_key(self, client):
        return self.server.key

    def get_client_algorithm(self, client):
        return "RS256"

    def get_encode_header(self, client):
        return {"alg": "RS256", "kid": KEY_ID}

    def get_client_claims(self, client):
        return {"iss": self.server.issuer, "aud": [client.client_id]}

    def generate_user_info(self, user: User, scope):
        return UserInfo(sub=user.sub, name=user.name, email=user.email, email_verified=user.email_verified)


class _EndSession(EndSessionEndpoint):
    def get_server_jwks(self):
        return KeySet([self.server.public_key])

    def end_session(self, end_session_request):
        self.server.sessions_ended.append(end_session_request.id_token_claims or {})


class _Server(AuthorizationServer):
    def __init__(self, issuer: str, client: Client):
        super().__init__(scopes_supported=["openid", "email", "profile"])
        self.issuer, self.client = issuer, client
        self.key = RSAKey.generate_key(2048, parameters={"kid": KEY_ID}, private=True)
        self.public_key = RSAKey.import_key(self.key.as_dict(private=False))
        self.codes: dict[str, AuthorizationCode] = {}
        self.tokens_issued: list[dict] = []
        self.sessions_ended: list[dict] = []
        self.register_token_generator("default", BearerTokenGenerator(lambda **_: generate_token(42)))
        self.register_grant(_CodeGrant, [CodeChallenge(required=True), _OpenIDCode(self)])
        self.register_endpoint(_EndSession)

    def query_client(self, client_id):
        return self.client if client_id == self.client.client_id else None

    def save_token(self, token, request):
        self.tokens_issued.append({"user": request.user.email, "client": request.client.client_id})

    def create_oauth2_request(self, request):
        return request

    def create_json_request(self, request):
        return _JsonRequest(request)

    def handle_response(self, status, body, headers):
        return status, body, headers

    def send_signal(self, name, *args, **kwargs):
        pass


def _sign_in_page(users: dict[str, User]) -> str:
    buttons = "".join(f'<button type="submit" name="user" value="{html.escape(sub)}">{html.escape(user.email)}</button>'
                      for sub, user in users.items())
    return ("<!doctype html><html><head><title>Test provider</title></head><body><h1>Sign in to the test "
            f"provider</h1><form method='post'>{buttons}</form></body></html>")


class Provider:
    """The provider on a free port of 127.0.0.1, in a thread, for one client."""

    def __init__(self, users: list[User], *, client_id: str, client_secret: str, redirect_uri: str):
        self.users = {user.sub: user for user in users}
        self._http = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self._http.server_address[1]}"
        self.metadata_url = f"{self.url}/.well-known/openid-configuration"
        self.server = _Server(self.url, Client(client_id, client_secret, redirect_uri))
        self._thread = threading.Thread(target=self._http.serve_forever, name="oidc-provider", daemon=True)

    def __enter__(self) -> Provider:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._http.shutdown()
        self._http.server_close()
        self._thread.join(timeout=10)

    @property
    def metadata(self) -> dict:
        return {"issuer": self.url, "authorization_endpoint": f"{self.url}/authorize",
                "token_endpoint": f"{self.url}/token", "jwks_uri": f"{self.url}/jwks",
                "end_session_endpoint": f"{self.url}/logout",
                "response_types_supported": ["code"], "subject_types_supported": ["public"],
                "id_token_signing_alg_values_supported": ["RS256"],
                "scopes_supported": ["openid", "email", "profile"],
                "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
                "code_challenge_methods_supported": ["S256"],
                "claims_supported": ["sub", "name", "email", "email_verified"]}

    def _respond(self, request: _Request):
        """(status, body, headers) for one request."""
        path = urlsplit(request.uri).path
        server = self.server
        if path == "/.well-known/openid-configuration":
            return 200, self.metadata, []
        if path == "/jwks":
            return 200, KeySet([server.public_key]).as_dict(private=False), []
        if path == "/authorize":
            try:
                grant = server.get_consent_grant(request)
            except OAuth2Error as error:
                return server.handle_error_response(request, error)
            if request.method == "GET":
                return 200, _sign_in_page(self.users), [("Content-Type", "text/html; charset=utf-8")]
            return server.create_authorization_response(request, grant_user=self.users.get(request.form.get("user")),
                                                        grant=grant)
        if path == "/token" and request.method == "POST":
            return server.create_token_response(request)
        if path == "/logout":
            return server.create_endpoint_response("end_session", request) or (200, "Signed out.", [])
        return 404, {"error": "not_found"}, []

    def _handler(self):
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                self._serve({})

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
                self._serve(dict(parse_qsl(body, keep_blank_values=True)))

            def _serve(self, form: dict):
                url = f"{provider.url}{self.path}"
                request = _Request(self.command, url, dict(self.headers.items()),
                                   dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)), form)
                status, body, headers = provider._respond(request)
                data = (json.dumps(body) if isinstance(body, dict) else body).encode()
                self.send_response(status)
                names = {name.lower() for name, _ in headers}
                for name, value in headers:
                    self.send_header(name, value)
                if "content-type" not in names:
                    self.send_header("Content-Type", "application/json" if isinstance(body, dict) else "text/plain")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):
                pass   # the tests assert on what the provider did, not on its access log

        return Handler
