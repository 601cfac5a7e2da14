"""The admin's "test connection" action against real Dovecot and aiosmtpd servers."""

import pytest
from django.urls import reverse

from pok.connections import check_connections
from tests.factories import make_pok

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_pok(dovecot, smtp_auth_server, mailbox_user):
    name, password = mailbox_user
    smtp_user, smtp_password = smtp_auth_server.auth
    return make_pok(
        name="Live",
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        imap_security="none",
        imap_user=name,
        imap_password=password,
        smtp_host=smtp_auth_server.host,
        smtp_port=smtp_auth_server.port,
        smtp_security="none",
        smtp_user=smtp_user,
        smtp_password=smtp_password,
    )


def test_both_logins_work(live_pok):
    assert check_connections(live_pok) == (True, "Live: IMAP OK; SMTP OK")


def test_wrong_passwords_give_one_line_each(live_pok):
    live_pok.imap_password = "wrong"
    live_pok.smtp_password = "wrong"
    live_pok.save()
    ok, line = check_connections(live_pok)
    assert not ok
    assert "\n" not in line
    assert "IMAP" in line and "login refused" in line
    assert "SMTP" in line
    assert "wrong" not in line


def test_self_signed_certificate_is_refused_when_validated(live_pok, dovecot):
    live_pok.imap_port, live_pok.imap_security, live_pok.imap_verify_cert = dovecot.imaps_port, "ssl", True
    live_pok.save()
    ok, line = check_connections(live_pok)
    assert not ok
    assert "certificate not trusted" in line
    live_pok.imap_verify_cert = False
    live_pok.save()
    assert check_connections(live_pok)[0]


def test_starttls(live_pok, dovecot):
    live_pok.imap_security, live_pok.imap_verify_cert = "starttls", False
    live_pok.save()
    assert check_connections(live_pok) == (True, "Live: IMAP OK; SMTP OK")


def test_unreachable_host(live_pok):
    live_pok.imap_port = 1  # nothing listens there
    live_pok.save()
    ok, line = check_connections(live_pok)
    assert not ok and "connection refused" in line


def test_admin_action_reports_the_line(client, django_user_model, live_pok):
    client.force_login(django_user_model.objects.create_superuser("root", "r@example.com", "x"))
    response = client.post(
        reverse("admin:pok_pok_changelist"),
        {"action": "test_connection", "_selected_action": [live_pok.pk]},
        follow=True,
    )
    assert "Live: IMAP OK; SMTP OK" in response.content.decode()
