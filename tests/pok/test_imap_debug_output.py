"""imaplib writes out the server's responses (whole bodies) only for someone reading its logger (real Dovecot)."""

import logging

import pytest

from pok.connections import open_imap
from tests.factories import make_pok

pytestmark = pytest.mark.django_db

BIG_MAIL = b"From: jan@example.pl\r\nSubject: Big\r\n\r\n" + b"Dzien dobry, prosze o fakture.\r\n" * 30_000


@pytest.fixture
def mailbox_pok(dovecot, mailbox_user):
    name, password = mailbox_user
    dovecot.append(name, password, BIG_MAIL)
    return make_pok(
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        imap_security="none",
        imap_user=name,
        imap_password=password,
    )


def fetch_all(pok) -> tuple[list[bytes], list[str]]:
    """The bodies fetched, and what imaplib wrote out meanwhile."""
    client = open_imap(pok)
    written = []
    written_by_imaplib = client._imap._mesg
    client._imap._mesg = lambda line: written.append(line) or written_by_imaplib(line)
    try:
        client.select_folder("INBOX")
        bodies = [data[b"BODY[]"] for data in client.fetch(client.search("ALL"), ["BODY.PEEK[]"]).values()]
    finally:
        client.logout()
    return bodies, written


def test_nothing_is_written_out_when_no_one_reads_it(mailbox_pok):
    bodies, written = fetch_all(mailbox_pok)
    assert bodies == [BIG_MAIL]
    assert written == []


def test_someone_reading_the_imaplib_logger_still_gets_it(mailbox_pok, caplog):
    with caplog.at_level(logging.DEBUG, logger="imapclient.imaplib"):
        bodies, written = fetch_all(mailbox_pok)
    assert bodies == [BIG_MAIL]
    assert any("FETCH" in str(line) for line in written)
    assert any("FETCH" in record.getMessage() for record in caplog.records if record.name == "imapclient.imaplib")
