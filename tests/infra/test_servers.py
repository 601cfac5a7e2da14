"""The real servers the suite relies on really work."""

import smtplib
import socket
import ssl
import uuid

import psycopg
import pytest
from django.db import connection
from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from tests.servers._local import process_running
from tests.servers.postgres import start_postgres


def message(subject: str, to: str = "someone@example.test") -> bytes:
    return (
        f"From: Shop <shop@example.test>\r\nTo: {to}\r\nSubject: {subject}\r\n"
        f"Message-ID: <{uuid.uuid4().hex}@example.test>\r\n\r\nBody of {subject}\r\n"
    ).encode()


def port_open(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
        return True
    except OSError:
        return False


# PostgreSQL


def test_postgres_starts_creates_database_and_stops():
    server = start_postgres()
    try:
        url = server.create_database("infra_check")
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_database()").fetchone() == ("infra_check",)
            conn.execute("CREATE EXTENSION unaccent")
            assert conn.execute("SELECT unaccent('Zażółć gęślą jaźń')").fetchone() == ("Zazolc gesla jazn",)
        pid = int((server.data_dir / "postmaster.pid").read_text().split()[0])
    finally:
        server.stop()
    assert not process_running(pid)
    assert not port_open(server.port)
    assert not server.directory.exists()


@pytest.mark.django_db
def test_django_database_answers_queries():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 + 1")
        assert cursor.fetchone() == (2,)
    if connection.vendor == "postgresql":
        assert connection.settings_dict["HOST"] == "127.0.0.1"
        assert connection.settings_dict["NAME"].startswith("test_")
    else:
        assert connection.vendor == "sqlite"


# Dovecot


def test_append_then_fetch_over_plain_imap(dovecot, mailbox_user):
    raw = message("Zamówienie 123")
    uid = dovecot.append(*mailbox_user, raw)
    assert dovecot.fetch_all(*mailbox_user) == [(uid, raw)]


def test_lmtp_delivery_reaches_inbox_and_other_folders_stay_apart(dovecot, mailbox_user):
    dovecot.deliver(mailbox_user[0], message("delivered"))
    dovecot.append(*mailbox_user, message("sent copy"), folder="Sent")
    [(_, inbox_raw)] = dovecot.fetch_all(*mailbox_user)
    [(_, sent_raw)] = dovecot.fetch_all(*mailbox_user, folder="Sent")
    assert b"Subject: delivered" in inbox_raw
    assert b"Subject: sent copy" in sent_raw


def test_wrong_password_is_refused(dovecot, mailbox_user):
    with pytest.raises(LoginError):
        dovecot.imap(mailbox_user[0], "wrong-password")


def test_imaps_needs_the_self_signed_ca(dovecot, mailbox_user):
    dovecot.append(*mailbox_user, message("over TLS"))
    with pytest.raises(ssl.SSLCertVerificationError):
        IMAPClient(dovecot.host, port=dovecot.imaps_port, ssl=True, ssl_context=ssl.create_default_context(), timeout=5)
    client = IMAPClient(dovecot.host, port=dovecot.imaps_port, ssl=True, ssl_context=dovecot.ssl_context(), timeout=5)
    client.login(*mailbox_user)
    assert client.select_folder("INBOX")[b"EXISTS"] == 1
    client.logout()


def test_starttls_needs_the_self_signed_ca(dovecot, mailbox_user):
    plain = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=5)
    with pytest.raises(ssl.SSLCertVerificationError):
        plain.starttls(ssl.create_default_context())
    client = IMAPClient(dovecot.host, port=dovecot.imap_port, ssl=False, timeout=5)
    client.starttls(dovecot.ssl_context())
    client.login(*mailbox_user)
    assert client.select_folder("INBOX")[b"EXISTS"] == 0
    client.logout()


def test_reset_uidvalidity_keeps_messages_under_new_uids(dovecot, mailbox_user):
    raws = [message("first"), message("second")]
    old_uids = [dovecot.append(*mailbox_user, raw) for raw in raws]
    before = dovecot.uidvalidity(*mailbox_user)

    after = dovecot.reset_uidvalidity(*mailbox_user)

    assert after != before
    assert dovecot.uidvalidity(*mailbox_user) == after
    fetched = dovecot.fetch_all(*mailbox_user)
    assert [raw for _, raw in fetched] == raws
    assert not {uid for uid, _ in fetched} & set(old_uids)


# SMTP


def test_smtp_accepts_and_relays_into_dovecot(smtp_server, dovecot, mailbox_user):
    recipient = f"{mailbox_user[0]}@shop.test"
    raw = message("relayed", to=recipient)
    with smtplib.SMTP(smtp_server.host, smtp_server.port, timeout=10) as client:
        client.sendmail("crm@example.test", [recipient], raw)

    assert ("crm@example.test", [recipient], raw) in smtp_server.messages
    [(_, delivered)] = dovecot.fetch_all(*mailbox_user)
    assert delivered.endswith(raw)


def test_smtp_auth_refuses_wrong_password_and_missing_login(smtp_auth_server):
    user, password = smtp_auth_server.auth
    with (
        smtplib.SMTP(smtp_auth_server.host, smtp_auth_server.port, timeout=10) as client,
        pytest.raises(smtplib.SMTPAuthenticationError) as refused,
    ):
        client.login(user, password + "x")
    assert refused.value.smtp_code == 535
    with (
        smtplib.SMTP(smtp_auth_server.host, smtp_auth_server.port, timeout=10) as client,
        pytest.raises(smtplib.SMTPSenderRefused),
    ):
        client.sendmail("crm@example.test", ["a@example.test"], message("no login"))


def test_smtp_auth_accepts_right_password(smtp_auth_server):
    raw = message("with login")
    with smtplib.SMTP(smtp_auth_server.host, smtp_auth_server.port, timeout=10) as client:
        client.login(*smtp_auth_server.auth)
        client.sendmail("crm@example.test", ["b@example.test"], raw)
    assert ("crm@example.test", ["b@example.test"], raw) in smtp_auth_server.messages


def test_smtp_down_then_up_on_the_same_port(smtp_auth_server):
    smtp_auth_server.stop()
    try:
        with pytest.raises(ConnectionRefusedError):
            smtplib.SMTP(smtp_auth_server.host, smtp_auth_server.port, timeout=5)
    finally:
        smtp_auth_server.start()
    with smtplib.SMTP(smtp_auth_server.host, smtp_auth_server.port, timeout=10) as client:
        assert client.noop()[0] == 250
