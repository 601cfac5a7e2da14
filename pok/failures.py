"""Mail server failures sorted into a few kinds, each with a short sentence for people.

The kind is decided from the exception when it happens and stored beside the technical line;
the sentence is the kind's label, so it is shown in the reader's language, not the sender's.
"""

import imaplib
import re
import smtplib
import socket
import ssl

from django.db import models
from django.utils.translation import gettext_lazy as _
from imapclient.exceptions import LoginError

# Enhanced status codes (RFC 3463) and the words servers use for the same.
_MAILBOX_FULL = re.compile(r"\b[45]\.2\.2\b|mailbox (?:is )?full|over ?quota|quota exceeded|skrzynka .*pe[łl]na", re.I)
_TOO_LARGE = re.compile(
    r"\b[45]\.[23]\.4\b|\b5\.2\.3\b|too (?:large|big)|size exceeds|exceeds .*size|message size|too much mail data", re.I
)


class Failure(models.TextChoices):
    LOGIN = "login", _("The mail server refused the login: check the user name and password of the service point.")
    UNREACHABLE = "unreachable", _("The mail server cannot be reached: it is down, or its address or port is wrong.")
    TIMEOUT = "timeout", _("The mail server did not answer in time.")
    TLS = "tls", _("No secure connection to the mail server: its certificate or the TLS setting is wrong.")
    RECIPIENT = "recipient", _("The recipient's address was refused by the mail server.")
    TOO_LARGE = "too_large", _("The message is too large for the mail server.")
    MAILBOX_FULL = "mailbox_full", _("The recipient's mailbox is full.")
    REJECTED = "rejected", _("The mail server rejected the message.")
    INTERRUPTED = (
        "interrupted",
        _("Sending was interrupted: the message may have been delivered. Check with the customer before retrying."),
    )
    BOUNCED = "bounced", _("The recipient's mail server returned the message as undeliverable.")
    OTHER = "other", _("The mail server reported an error.")


# Retrying these cannot help: the server answered for good (5xx) about this message or recipient.
PERMANENT = frozenset({Failure.RECIPIENT, Failure.TOO_LARGE, Failure.REJECTED, Failure.INTERRUPTED, Failure.BOUNCED})


def classify(error: BaseException) -> Failure:
    """The kind of a failure raised while talking to an IMAP or SMTP server."""
    if isinstance(error, smtplib.SMTPAuthenticationError | LoginError):
        return Failure.LOGIN
    if isinstance(error, ssl.SSLError | ssl.CertificateError | smtplib.SMTPNotSupportedError):
        return Failure.TLS
    # smtplib reports a timeout while reading a reply as a disconnection caused by it.
    if isinstance(error, socket.timeout | TimeoutError) or isinstance(error.__context__, TimeoutError):
        return Failure.TIMEOUT
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return _refused_recipients(error)
    if isinstance(error, smtplib.SMTPResponseException):
        return smtp_reply_kind(error.smtp_code, error.smtp_error)
    if isinstance(error, smtplib.SMTPServerDisconnected | ConnectionError | socket.gaierror):
        return Failure.UNREACHABLE
    if isinstance(error, imaplib.IMAP4.error) and "authenticat" in str(error).lower():
        return Failure.LOGIN
    if isinstance(error, OSError):
        return Failure.UNREACHABLE
    return Failure.OTHER


def smtp_reply_kind(code: int, text) -> Failure:
    """The kind of an SMTP error reply (a code and its text)."""
    text = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    if code in (530, 534, 535, 538):
        return Failure.LOGIN
    if _MAILBOX_FULL.search(text) or code == 452 and "mailbox" in text.lower():
        return Failure.MAILBOX_FULL
    if _TOO_LARGE.search(text) or code == 552:
        return Failure.TOO_LARGE
    if code in (550, 551, 553) and re.search(r"\b5\.1\.\d\b|user|recipient|mailbox|address", text, re.I):
        return Failure.RECIPIENT
    if 500 <= code < 600:
        return Failure.REJECTED
    return Failure.OTHER


def _refused_recipients(error: smtplib.SMTPRecipientsRefused) -> Failure:
    kinds = {smtp_reply_kind(code, reply) for code, reply in error.recipients.values()}
    if Failure.MAILBOX_FULL in kinds:
        return Failure.MAILBOX_FULL
    if all(code < 500 for code, _reply in error.recipients.values()):
        return Failure.OTHER  # greylisting and the like: worth another try
    return Failure.RECIPIENT
