import pytest

from tests.factories import make_pok


@pytest.fixture
def imap_pok(db, dovecot, mailbox_user):
    """A POK reading a fresh Dovecot mailbox over plain IMAP."""
    name, password = mailbox_user
    return make_pok(
        name=f"POK {name}",
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        imap_security="none",
        imap_user=name,
        imap_password=password,
        from_address=f"{name}@example.test",
    )


@pytest.fixture
def server(dovecot, imap_pok):
    """The POK's mailbox on the server: append(raw) -> uid, messages() -> [(uid, raw)]."""

    class Mailbox:
        def append(self, raw: bytes, folder="INBOX") -> int:
            return dovecot.append(imap_pok.imap_user, imap_pok.imap_password.reveal(), raw, folder)

        def messages(self, folder="INBOX"):
            return dovecot.fetch_all(imap_pok.imap_user, imap_pok.imap_password.reveal(), folder)

        def reset_uidvalidity(self):
            return dovecot.reset_uidvalidity(imap_pok.imap_user, imap_pok.imap_password.reveal())

    return Mailbox()
