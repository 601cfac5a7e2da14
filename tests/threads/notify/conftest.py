from email import message_from_bytes, policy

import pytest

from crm.preferences import save_preferences
from tests.factories import make_pok, make_staff


@pytest.fixture
def sending_pok(db, smtp_server):
    """A Polish POK sending through the real test SMTP server."""
    return make_pok(
        name="Sklep A",
        language="pl",
        smtp_host=smtp_server.host,
        smtp_port=smtp_server.port,
        smtp_security="none",
        from_address="bok@shop-a.example",
    )


def owner(username: str, pok, *, email=True, language="", digest="hourly"):
    """A staff member of `pok` who chose a digest (and a language)."""
    user = make_staff(username, pok)
    user.first_name = username.capitalize()
    user.email = f"{username}@staff.example" if email else ""
    user.save()
    save_preferences(user, language=language, browser_notifications="", digest=digest)
    return user


@pytest.fixture
def mails_to(smtp_server):
    """mails_to(address): the mail the test SMTP server took for `address` during this test."""
    start = len(smtp_server.messages)

    def mails(address) -> list:
        return [
            message_from_bytes(raw, policy=policy.default)
            for _sender, recipients, raw in smtp_server.messages[start:]
            if recipients == [address]
        ]

    return mails
