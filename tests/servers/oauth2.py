"""A small OAuth2 authorization server on 127.0.0.1 for the tests (a WSGI app on a thread).

It speaks the authorization-code grant with PKCE (S256) and the refresh-token grant, as
Google and Microsoft do: a consent page at /authorize (also under /<tenant>/oauth2/v2.0/,
Microsoft's layout), /token, /revoke. Access tokens are RS256-signed JWTs that Dovecot
validates locally with the public key (`public_key_pem`, `key_id`) and that the test SMTP
server checks with `verify`; refresh tokens are opaque and can be revoked. Every token
request is recorded in `token_requests` (grant type and a few fields, never a token).
"""

import html
import json
import secrets
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from socketserver import ThreadingMixIn
from urllib.parse import parse_qs, urlencode
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from authlib.oauth2.rfc7636 import create_s256_code_challenge
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from tests.servers._local import HOST, free_port

ISSUER_NAME = "crm-test-idp"


@dataclass
class Client:
    client_id: str
    client_secret: str
    access_token_seconds: int | None = None  # None: the server's default
    rotate_refresh_tokens: bool = False  # each refresh answers with a new refresh token; the old one dies
    refresh_delay_seconds: float = 0.0  # a slow provider: the refresh answer comes this much later


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    code_challenge: str
    scope: str
    account: str


@dataclass
class OAuth2Server:
    port: int
    host: str = HOST
    key_id: str = field(default_factory=lambda: "k" + secrets.token_hex(4))
    access_token_seconds: int = 3600
    clients: dict[str, Client] = field(default_factory=dict)
    token_requests: list[dict] = field(default_factory=list)
    _key: RSAKey = field(default_factory=lambda: RSAKey.generate_key(2048))
    _codes: dict[str, _Grant] = field(default_factory=dict)
    _refresh_tokens: dict[str, _Grant] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _httpd: WSGIServer | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def public_key_pem(self) -> str:
        return self._key.as_pem(private=False).decode()

    def add_client(self) -> Client:
        client = Client("client-" + secrets.token_hex(4), secrets.token_urlsafe(24))
        self.clients[client.client_id] = client
        return client

    def provider_fields(self, client: Client, scope: str = "mail") -> dict:
        """The POK fields of a generic OAuth2 provider that is this server, for `client`."""
        return {
            "oauth_provider": "generic",
            "oauth_authorization_url": f"{self.url}/authorize",
            "oauth_token_url": f"{self.url}/token",
            "oauth_scope": scope,
            "oauth_client_id": client.client_id,
            "oauth_client_secret": client.client_secret,
        }

    def issue_refresh_token(self, client: Client, account: str, scope: str = "mail") -> str:
        """A refresh token as if `account` had consented, without the browser round trip."""
        token = secrets.token_urlsafe(32)
        self._refresh_tokens[token] = _Grant(client.client_id, "", "", scope, account)
        return token

    def access_token(self, account: str, seconds: int | None = None, client_id: str = "test") -> str:
        now = int(time.time())
        claims = {
            "iss": ISSUER_NAME,
            "sub": account.split("@", 1)[0],
            "email": account,
            "iat": now,
            "exp": now + (self.access_token_seconds if seconds is None else seconds),
            "client": client_id,
        }
        return jwt.encode({"alg": "RS256", "kid": self.key_id, "typ": "JWT"}, claims, self._key)

    def verify(self, account: str, token: str) -> bool:
        """True when `token` is a current access token of ours for `account` (what the SMTP server checks)."""
        try:
            decoded = jwt.decode(token, self._key)
            jwt.JWTClaimsRegistry(exp={"essential": True}, email={"essential": True, "value": account}).validate(
                decoded.claims
            )
        except (JoseError, ValueError):
            return False
        return True

    def revoke_all(self, account: str) -> None:
        """The user withdrew consent (or changed the password): every refresh token of the account dies."""
        with self._lock:
            for token in [t for t, grant in self._refresh_tokens.items() if grant.account == account]:
                del self._refresh_tokens[token]

    # --- the HTTP side ---

    def __call__(self, environ, start_response):
        path = environ["PATH_INFO"]
        form = self._form(environ)
        if path.endswith("/authorize"):
            status, headers, body = self._authorize(environ["REQUEST_METHOD"], form)
        elif path.endswith("/token"):
            status, headers, body = self._token(form)
        elif path.endswith("/revoke"):
            with self._lock:
                self._refresh_tokens.pop(form.get("token", ""), None)
            status, headers, body = HTTPStatus.OK, [], b""
        else:
            status, headers, body = HTTPStatus.NOT_FOUND, [], b"not found"
        start_response(f"{status.value} {status.phrase}", headers + [("Content-Length", str(len(body)))])
        return [body]

    @staticmethod
    def _form(environ) -> dict[str, str]:
        query = parse_qs(environ.get("QUERY_STRING", ""))
        if environ["REQUEST_METHOD"] == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            query.update(parse_qs(environ["wsgi.input"].read(length).decode()))
        return {key: values[0] for key, values in query.items()}

    def _authorize(self, method: str, form: dict):
        client = self.clients.get(form.get("client_id", ""))
        if client is None or form.get("response_type") != "code" or form.get("code_challenge_method") != "S256":
            return HTTPStatus.BAD_REQUEST, [("Content-Type", "text/plain")], b"bad authorization request"
        if method == "GET":
            return HTTPStatus.OK, [("Content-Type", "text/html; charset=utf-8")], self._consent_page(form)
        answer = {"state": form.get("state", "")}
        if form.get("decision") == "allow":
            code = secrets.token_urlsafe(24)
            self._codes[code] = _Grant(
                client.client_id, form["redirect_uri"], form["code_challenge"], form.get("scope", ""), form["account"]
            )
            answer["code"] = code
        else:
            answer["error"] = "access_denied"
        return HTTPStatus.FOUND, [("Location", f"{form['redirect_uri']}?{urlencode(answer)}")], b""

    @staticmethod
    def _consent_page(form: dict) -> bytes:
        hidden = "".join(
            f'<input type="hidden" name="{html.escape(key)}" value="{html.escape(value)}">'
            for key, value in form.items()
        )
        return (
            "<!doctype html><title>Test sign-in</title><h1>Test sign-in</h1>"
            f"<p>Scope: <span id=scope>{html.escape(form.get('scope', ''))}</span></p>"
            f'<form method="post">{hidden}<label>Account <input name="account" id="account"></label>'
            '<button name="decision" value="allow" id="allow">Allow</button>'
            '<button name="decision" value="deny" id="deny">Deny</button></form>'
        ).encode()

    def _token(self, form: dict):
        grant_type = form.get("grant_type", "")
        self.token_requests.append({"grant_type": grant_type, "client_id": form.get("client_id", "")})
        client = self.clients.get(form.get("client_id", ""))
        if client is None or not secrets.compare_digest(form.get("client_secret", ""), client.client_secret):
            return self._error(HTTPStatus.UNAUTHORIZED, "invalid_client")
        with self._lock:
            if grant_type == "authorization_code":
                grant = self._codes.pop(form.get("code", ""), None)
                verifier = form.get("code_verifier", "")
                if (
                    grant is None
                    or grant.client_id != client.client_id
                    or grant.redirect_uri != form.get("redirect_uri")
                    or create_s256_code_challenge(verifier) != grant.code_challenge
                ):
                    return self._error(HTTPStatus.BAD_REQUEST, "invalid_grant")
                refresh_token = secrets.token_urlsafe(32)
                self._refresh_tokens[refresh_token] = grant
            elif grant_type == "refresh_token":
                refresh_token = form.get("refresh_token", "")
                grant = self._refresh_tokens.get(refresh_token)
                if grant is None or grant.client_id != client.client_id:
                    return self._error(HTTPStatus.BAD_REQUEST, "invalid_grant", "Token has been expired or revoked.")
                if client.rotate_refresh_tokens:
                    del self._refresh_tokens[refresh_token]
                    refresh_token = secrets.token_urlsafe(32)
                    self._refresh_tokens[refresh_token] = grant
            else:
                return self._error(HTTPStatus.BAD_REQUEST, "unsupported_grant_type")
        if grant_type == "refresh_token":
            time.sleep(client.refresh_delay_seconds)
        lifetime = client.access_token_seconds or self.access_token_seconds
        answer = {
            "access_token": self.access_token(grant.account, lifetime, client_id=client.client_id),
            "token_type": "Bearer",
            "expires_in": lifetime,
            "scope": grant.scope,
            "refresh_token": refresh_token,
            "id_token": jwt.encode(
                {"alg": "RS256", "kid": self.key_id},
                {"iss": ISSUER_NAME, "sub": grant.account, "email": grant.account, "aud": client.client_id},
                self._key,
            ),
        }
        return HTTPStatus.OK, [("Content-Type", "application/json")], json.dumps(answer).encode()

    @staticmethod
    def _error(status: HTTPStatus, error: str, description: str = ""):
        body = {"error": error} | ({"error_description": description} if description else {})
        return status, [("Content-Type", "application/json")], json.dumps(body).encode()

    def start(self) -> None:
        self._httpd = make_server(
            self.host, self.port, self, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def start_oauth2_server() -> OAuth2Server:
    server = OAuth2Server(port=free_port())
    server.start()
    return server
