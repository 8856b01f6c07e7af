"""Real receivers for digests on 127.0.0.1: an HTTP server that takes Slack webhook posts, and an
aiosmtpd SMTP server that requires STARTTLS (with a certificate made here) and a sign-in."""
from __future__ import annotations

import datetime
import ipaddress
import json
import socket
import ssl
import threading
from email import message_from_bytes
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID


class Webhook:
    """Answers each POST with the next of `replies` (status codes; the last one repeats)."""

    def __init__(self, replies=(200,)):
        self.replies = list(replies)
        self.posts: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.posts.append({"path": self.path, "json": json.loads(body)})
                status = receiver.replies.pop(0) if len(receiver.replies) > 1 else receiver.replies[0]
                reply = b"ok" if status == 200 else b"no_service"
                self.send_response(status)
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        # The secret part of the URL, as Slack's /services/T/B/X is.
        self.url = f"http://127.0.0.1:{self.server.server_port}/services/T000/B000/s3cr3t-webhook-token"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(hours=1)).not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                                                        x509.DNSName("localhost")]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Mailbox:
    """What the SMTP server accepted, and whether each message came over TLS after a sign-in."""

    def __init__(self, user: str, password: str):
        self.user, self.password = user.encode(), password.encode()
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append({"tls": session.ssl is not None, "login": session.authenticated,
                              "to": envelope.rcpt_tos, "message": message_from_bytes(envelope.content)})
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        # handled=False: the server answers a refusal itself (535), as a real one does.
        return AuthResult(success=auth_data.login == self.user and auth_data.password == self.password,
                          handled=False)


def smtp_server(mailbox: Mailbox, cert: Path, key: Path) -> Controller:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(mailbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True,
                            auth_required=True, authenticator=mailbox.authenticate)
    controller.start()
    return controller
