"""An aiosmtpd SMTP server on a free port, optionally with AUTH and relaying into Dovecot."""

import asyncio
import atexit
import smtplib
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

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
    _controller: Controller | None = None

    def start(self) -> None:
        """Start listening (again) on the same port."""
        if self._controller:
            return
        options = {}
        if self.auth:
            options = {"authenticator": self._authenticate, "auth_required": True, "auth_require_tls": False}
        controller = Controller(_Handler(self), hostname=self.host, port=self.port, **options)
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

    async def handle_DATA(self, smtp, session, envelope) -> str:
        raw = envelope.original_content or envelope.content
        self.server.messages.append((envelope.mail_from, list(envelope.rcpt_tos), raw))
        if self.server.relay_to_dovecot:
            await asyncio.to_thread(self.server.relay, envelope.mail_from, list(envelope.rcpt_tos), raw)
        return "250 Message accepted for delivery"


def start_smtp(auth: tuple[str, str] | None = None, relay_to_dovecot: DovecotServer | None = None) -> SmtpServer:
    server = SmtpServer(port=free_port(), auth=auth, relay_to_dovecot=relay_to_dovecot)
    server.start()
    atexit.register(server.stop)
    return server
