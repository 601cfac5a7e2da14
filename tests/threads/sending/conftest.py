import pytest

from tests.factories import make_pok, make_staff


@pytest.fixture
def mail_pok(db, dovecot, smtp_server, mailbox_user):
    """A POK whose IMAP is a fresh Dovecot mailbox and whose SMTP is the relaying aiosmtpd."""
    name, password = mailbox_user
    return make_pok(
        name=f"POK {name}",
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        imap_security="none",
        imap_user=name,
        imap_password=password,
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
        smtp_user="",
        from_address=f"{name}@example.test",
        from_name="Sklep Gęś – BOK",
    )


@pytest.fixture
def customer(dovecot):
    """A customer with a real mailbox: (address, user, password)."""
    import secrets
    import uuid

    user = f"cust{uuid.uuid4().hex[:10]}"
    password = secrets.token_urlsafe(10)
    dovecot.add_user(user, password)
    return f"{user}@example.test", user, password


@pytest.fixture
def anna(mail_pok):
    return make_staff("anna", mail_pok)


def sent_copies(smtp_server, message_id: str) -> int:
    return sum(1 for _from, _to, raw in smtp_server.messages if f"<{message_id}>".encode() in raw)
