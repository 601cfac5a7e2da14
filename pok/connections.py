"""Opening IMAP and SMTP sessions for a POK, with failures as one readable line.

Passwords are decrypted here, at connection time, and never appear in errors.
"""

import contextlib
import logging
import smtplib
import socket
import ssl

import imapclient
from django.conf import settings
from django.utils.translation import gettext as _
from imapclient.exceptions import IMAPClientError, LoginError

from crm.errors import first_line
from pok.failures import Failure, classify
from pok.models import AuthMethod, Pok, Security
from pok.oauth import OAuthUnavailable, access_token, forget_access_token


class ConnectionFailed(Exception):
    """A POK's server could not be reached or refused the login; str() is one line, `kind` its Failure."""

    def __init__(self, text: str, kind: Failure = Failure.OTHER):
        super().__init__(text)
        self.kind = kind


def tls_context(verify: bool) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


def _describe(error: Exception) -> str:
    if isinstance(error, ssl.SSLCertVerificationError):
        return _(
            "certificate not trusted (%(reason)s); "
            "untick certificate validation only for a self-signed server you trust"
        ) % {"reason": error.verify_message}
    if isinstance(error, socket.timeout | TimeoutError):
        return _("timed out")
    if isinstance(error, ConnectionRefusedError):
        return _("connection refused")
    if isinstance(error, socket.gaierror):
        return _("host name not found")
    return first_line(error)


def _oauth_token(pok: Pok, where: str) -> str:
    """A current access token, fetched before connecting: no token, no connection."""
    try:
        return access_token(pok)
    except OAuthUnavailable as error:
        raise ConnectionFailed(f"{where}: {error}") from None


def _token_refused(pok: Pok, where: str) -> ConnectionFailed:
    forget_access_token(pok)
    return ConnectionFailed(
        f"{where}: " + _("the server refused the OAuth2 token (is the user the connected account, with mail access?)")
    )


def open_imap(pok: Pok) -> imapclient.IMAPClient:
    oauth = pok.imap_auth == AuthMethod.OAUTH2
    user = pok.imap_user or (pok.oauth_account if oauth else "")
    where = f"IMAP {user}@{pok.imap_host}:{pok.imap_port}"
    token = _oauth_token(pok, where) if oauth else None
    try:
        client = imapclient.IMAPClient(
            pok.imap_host,
            port=pok.imap_port,
            ssl=pok.imap_security == Security.SSL,
            # Only TLS needs one (making it loads the CA certificates).
            ssl_context=tls_context(pok.imap_verify_cert) if pok.imap_security == Security.SSL else None,
            timeout=settings.CRM_IMAP_TIMEOUT,
        )
        _quiet_imaplib(client)
        if pok.imap_security == Security.STARTTLS:
            client.starttls(tls_context(pok.imap_verify_cert))
        if token is None:
            client.login(pok.imap_user, pok.imap_password.reveal())
        else:
            _imap_oauth_login(client, user, token)
    except _NoOAuth2Offered:
        close_quietly(client)
        raise ConnectionFailed(f"{where}: {_NoOAuth2Offered.line()}") from None
    except LoginError:
        if token is not None:
            raise _token_refused(pok, where) from None
        raise ConnectionFailed(
            f"{where}: " + _("login refused (check the IMAP user and password)"), Failure.LOGIN
        ) from None
    except (OSError, IMAPClientError, ssl.SSLError) as error:
        raise ConnectionFailed(f"{where}: {_describe(error)}", classify(error)) from None
    return client


def _quiet_imaplib(client: imapclient.IMAPClient) -> None:
    """imapclient turns imaplib's debugging on, for its logger "imapclient.imaplib": imaplib then writes out
    every response of the server, whole bodies and all, to hand it to a logger that drops it. For a group
    of mails fetched together that is megabytes formatted per FETCH (a sixth of a sync's Python time),
    and as many held in memory at once. Kept only when someone reads that logger."""
    if not logging.getLogger("imapclient.imaplib").isEnabledFor(logging.DEBUG):
        client._imap.debug = 0


def open_smtp(pok: Pok) -> smtplib.SMTP:
    oauth = pok.smtp_auth == AuthMethod.OAUTH2
    user = pok.smtp_user or (pok.oauth_account if oauth else "")
    login = user or _("(no login)")
    where = f"SMTP {login}@{pok.smtp_host}:{pok.smtp_port}"
    token = _oauth_token(pok, where) if oauth else None
    context = tls_context(pok.smtp_verify_cert)
    timeout = settings.CRM_SMTP_TIMEOUT
    try:
        if pok.smtp_security == Security.SSL:
            client = smtplib.SMTP_SSL(pok.smtp_host, pok.smtp_port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(pok.smtp_host, pok.smtp_port, timeout=timeout)
            if pok.smtp_security == Security.STARTTLS:
                client.starttls(context=context)
        if token is not None:
            _smtp_oauth_login(client, user, token)
        elif pok.smtp_user:
            client.login(pok.smtp_user, pok.smtp_password.reveal())
    except _NoOAuth2Offered:
        close_quietly(client)
        raise ConnectionFailed(f"{where}: {_NoOAuth2Offered.line()}") from None
    except smtplib.SMTPAuthenticationError:
        if token is not None:
            raise _token_refused(pok, where) from None
        raise ConnectionFailed(
            f"{where}: " + _("login refused (check the SMTP user and password)"), Failure.LOGIN
        ) from None
    except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
        raise ConnectionFailed(f"{where}: {_describe(error)}", classify(error)) from None
    return client


class _NoOAuth2Offered(Exception):
    @staticmethod
    def line() -> str:
        return _("the server offers no OAuth2 sign-in (XOAUTH2 or OAUTHBEARER); sign in with a password")


def _imap_oauth_login(client: imapclient.IMAPClient, user: str, token: str) -> None:
    """OAUTHBEARER (RFC 7628) where offered, else XOAUTH2 (Google's and Microsoft's older mechanism)."""
    if client.has_capability("AUTH=OAUTHBEARER"):
        client.oauthbearer_login(user, token)
    elif client.has_capability("AUTH=XOAUTH2"):
        client.oauth2_login(user, token)
    else:
        raise _NoOAuth2Offered


def _smtp_oauth_login(client: smtplib.SMTP, user: str, token: str) -> None:
    client.ehlo_or_helo_if_needed()  # login() does this itself, auth() does not (and takes a 503 for success)
    if "XOAUTH2" not in client.esmtp_features.get("auth", "").upper().split():
        raise _NoOAuth2Offered
    client.auth("XOAUTH2", _xoauth2(user, token))


def _xoauth2(user: str, token: str):
    """smtplib's AUTH callback: the XOAUTH2 initial response, then an empty answer to an error challenge."""

    def respond(challenge=None) -> str:
        return f"user={user}\x01auth=Bearer {token}\x01\x01" if challenge is None else ""

    return respond


def close_quietly(session) -> None:
    """Say goodbye to an IMAP or SMTP session whose work is done: a failing goodbye changes nothing."""
    goodbye = session.logout if hasattr(session, "logout") else session.quit
    with contextlib.suppress(Exception):
        goodbye()


def check_connections(pok: Pok) -> tuple[bool, str]:
    """Log in to both servers; whether both worked, and how it went in one line."""
    results = []
    all_ok = True
    for label, opener in (("IMAP", open_imap), ("SMTP", open_smtp)):
        try:
            session = opener(pok)
        except ConnectionFailed as error:
            results.append(f"{error.kind.label} ({error})")
            all_ok = False
            continue
        close_quietly(session)
        results.append(_("%(protocol)s OK") % {"protocol": label})
    return all_ok, f"{pok.name}: " + "; ".join(results)
