"""Opening IMAP and SMTP sessions for a POK, with failures as one readable line.

Passwords are decrypted here, at connection time, and never appear in errors.
"""

import contextlib
import smtplib
import socket
import ssl

import imapclient
from django.conf import settings
from django.utils.translation import gettext as _
from imapclient.exceptions import IMAPClientError, LoginError

from crm.errors import first_line
from pok.models import Pok, Security


class ConnectionFailed(Exception):
    """A POK's server could not be reached or refused the login; str() is one line."""


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


def open_imap(pok: Pok) -> imapclient.IMAPClient:
    where = f"IMAP {pok.imap_user}@{pok.imap_host}:{pok.imap_port}"
    try:
        client = imapclient.IMAPClient(
            pok.imap_host,
            port=pok.imap_port,
            ssl=pok.imap_security == Security.SSL,
            ssl_context=tls_context(pok.imap_verify_cert),
            timeout=settings.CRM_IMAP_TIMEOUT,
        )
        if pok.imap_security == Security.STARTTLS:
            client.starttls(tls_context(pok.imap_verify_cert))
        client.login(pok.imap_user, pok.imap_password.reveal())
    except LoginError:
        raise ConnectionFailed(f"{where}: " + _("login refused (check the IMAP user and password)")) from None
    except (OSError, IMAPClientError, ssl.SSLError) as error:
        raise ConnectionFailed(f"{where}: {_describe(error)}") from None
    return client


def open_smtp(pok: Pok) -> smtplib.SMTP:
    login = pok.smtp_user or _("(no login)")
    where = f"SMTP {login}@{pok.smtp_host}:{pok.smtp_port}"
    context = tls_context(pok.smtp_verify_cert)
    timeout = settings.CRM_SMTP_TIMEOUT
    try:
        if pok.smtp_security == Security.SSL:
            client = smtplib.SMTP_SSL(pok.smtp_host, pok.smtp_port, timeout=timeout, context=context)
        else:
            client = smtplib.SMTP(pok.smtp_host, pok.smtp_port, timeout=timeout)
            if pok.smtp_security == Security.STARTTLS:
                client.starttls(context=context)
        if pok.smtp_user:
            client.login(pok.smtp_user, pok.smtp_password.reveal())
    except smtplib.SMTPAuthenticationError:
        raise ConnectionFailed(f"{where}: " + _("login refused (check the SMTP user and password)")) from None
    except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
        raise ConnectionFailed(f"{where}: {_describe(error)}") from None
    return client


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
            results.append(f"{error}")
            all_ok = False
            continue
        close_quietly(session)
        results.append(_("%(protocol)s OK") % {"protocol": label})
    return all_ok, f"{pok.name}: " + "; ".join(results)
