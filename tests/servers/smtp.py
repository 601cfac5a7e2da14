"""An aiosmtpd SMTP server on a free port, optionally with AUTH and relaying into Dovecot.

AUTH is either LOGIN/PLAIN with one user and password (`auth`), or XOAUTH2 only, each bearer
token checked by `oauth2_verify(user, token)` (the test authorization server's check).
"""

import asyncio
import atexit
import base64
import binascii
import collections
import smtplib
from collections.abc import Callable
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

from tests.servers._local import HOST, free_port
from tests.servers.dovecot import DovecotServer


@dataclass
class SmtpServer:
    port: int
    auth: tuple[str, str] | None = None
    relay_to_dovecot: DovecotServer | None = None
    host: str = HOST
    # (mail_from, rcpt_tos, raw bytes) of every accepted message, kept across restarts
    messages: list[tuple[str, list[str], bytes]] = field(default_factory=list)
    # (recipient, error) for messages Dovecot refused (e.g. no such user); the SMTP client still got 250
    relay_errors: list[tuple[str, str]] = field(default_factory=list)
    oauth2_verify: Callable[[str, str], bool] | None = None
    # (mechanism, user) of every successful AUTH
    logins: list[tuple[str, str]] = field(default_factory=list)
    # recipient -> the SMTP reply that refuses it at RCPT TO (e.g. "550 5.1.1 No such user"); tests set and clear it
    refuse: dict[str, str] = field(default_factory=dict)
    data_size_limit: int | None = None  # None: aiosmtpd's default (32 MiB)
    # Seconds between taking a message's DATA and saying so: a client can be killed while it waits.
    data_delay: float = 0
    _controller: Controller | None = None

    def start(self) -> None:
        """Start listening (again) on the same port."""
        if self._controller:
            return
        options = {} if self.data_size_limit is None else {"data_size_limit": self.data_size_limit}
        handler = _Handler(self)
        if self.auth:
            options |= {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        if self.oauth2_verify:
            handler = _OAuth2Handler(self)
            options |= {
                "authenticator": self._authenticate,
                "auth_required": True,
                "auth_require_tls": False,
                "auth_exclude_mechanism": ["LOGIN", "PLAIN"],
            }
        controller_class = _OAuth2Controller if self.oauth2_verify else Controller
        controller = controller_class(handler, hostname=self.host, port=self.port, **options)
        controller.start()
        self._controller = controller

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        if isinstance(auth_data, LoginPassword):
            given = (auth_data.login.decode(), auth_data.password.decode())
            if given == self.auth:
                self.logins.append((mechanism, given[0]))
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)  # aiosmtpd answers 535

    def relay(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> None:
        for rcpt in rcpt_tos:  # smtplib.LMTP reads one reply after DATA: one recipient per send
            try:
                self.relay_to_dovecot.deliver(rcpt.split("@", 1)[0], raw, mail_from=mail_from)
            except (smtplib.SMTPException, OSError) as error:
                self.relay_errors.append((rcpt, str(error)))


class _Handler:
    def __init__(self, server: SmtpServer):
        self.server = server

    async def handle_RCPT(self, smtp, session, envelope, address, rcpt_options) -> str:
        refusal = self.server.refuse.get(address.lower())
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, smtp, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        self.server.messages.append((envelope.mail_from, list(envelope.rcpt_tos), raw))
        if self.server.data_delay:  # taken, but the client hears so only later
            await asyncio.sleep(self.server.data_delay)
        if self.server.relay_to_dovecot:
            await asyncio.to_thread(self.server.relay, envelope.mail_from, list(envelope.rcpt_tos), raw)
        return "250 Message accepted for delivery"


class _OAuth2Handler(_Handler):
    async def auth_XOAUTH2(self, smtp, args) -> AuthResult:
        """`AUTH XOAUTH2 <base64 of user=U^Aauth=Bearer T^A^A>`, the response also after an empty 334."""
        if len(args) > 1:
            try:
                response = base64.b64decode(args[1], validate=True)
            except binascii.Error:
                return AuthResult(success=False, handled=False)
        else:
            response = await smtp.challenge_auth("")
            if not isinstance(response, bytes):
                return AuthResult(success=False, handled=False)
        fields = dict(part.split("=", 1) for part in response.decode(errors="replace").split("\x01") if "=" in part)
        user, bearer = fields.get("user", ""), fields.get("auth", "")
        token = bearer.removeprefix("Bearer ") if bearer.startswith("Bearer ") else ""
        if not (user and token and self.server.oauth2_verify(user, token)):
            return AuthResult(success=False, handled=False)  # aiosmtpd answers 535
        self.server.logins.append(("XOAUTH2", user))
        return AuthResult(success=True, auth_data=user)


AUTH_LINE_LIMIT = 12288  # RFC 4954; a JWT bearer token does not fit aiosmtpd's default 512


class _LongAuthLines(SMTP):
    command_size_limit = AUTH_LINE_LIMIT
    command_size_limits = collections.defaultdict(lambda: AUTH_LINE_LIMIT)
    line_length_limit = AUTH_LINE_LIMIT


class _OAuth2Controller(Controller):
    def factory(self):
        return _LongAuthLines(self.handler, **self.SMTP_kwargs)


def start_smtp(
    auth: tuple[str, str] | None = None,
    relay_to_dovecot: DovecotServer | None = None,
    oauth2_verify: Callable[[str, str], bool] | None = None,
) -> SmtpServer:
    server = SmtpServer(port=free_port(), auth=auth, relay_to_dovecot=relay_to_dovecot, oauth2_verify=oauth2_verify)
    server.start()
    atexit.register(server.stop)
    return server
