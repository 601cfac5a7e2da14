"""Mail in and out over OAuth2: Dovecot validates the JWTs locally, aiosmtpd checks XOAUTH2, both real."""

import logging
import secrets
import threading
import time
import uuid

import pytest
from django.db import connection

from crm.crypto import decrypt
from mailsync.imap_sync import sync_pok
from pok import oauth
from pok.connections import check_connections
from pok.models import Pok
from tests.factories import make_staff
from tests.mailsync.mails import mail
from tests.pok.oauth2.conftest import refreshes
from threads import services
from threads.models import Delivery, Status, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer(dovecot_oauth2):
    user = f"cust{uuid.uuid4().hex[:10]}"
    password = secrets.token_urlsafe(10)
    dovecot_oauth2.add_user(user, password)
    return f"{user}@example.test", user, password


def writes_in(dovecot, pok, sender, subject="Gdzie paczka?"):
    dovecot.deliver(pok.oauth_account, mail(subject=subject, body="Dzień dobry.", sender=sender, to=pok.from_address))


def login_methods(dovecot, user) -> list[str]:
    lines = dovecot.log_path.read_text().splitlines()
    return [line.split("method=")[1].split(",")[0] for line in lines if f"Login: user=<{user}>" in line]


def test_sync_and_reply_over_oauth2(
    dovecot_oauth2,
    smtp_oauth2,
    oauth2_server,
    oauth2_client,
    oauth2_account,
    connect_pok,
    customer,
    django_capture_on_commit_callbacks,
    caplog,
):
    caplog.set_level(logging.DEBUG)
    pok = connect_pok(oauth2_client, oauth2_account)
    address, customer_user, customer_password = customer
    writes_in(dovecot_oauth2, pok, address)

    report = sync_pok(pok)
    assert (report.error, report.new) == ("", 1)
    # Dovecot offers OAUTHBEARER and XOAUTH2: the standard one is used.
    assert login_methods(dovecot_oauth2, oauth2_account.split("@")[0]) == ["OAUTHBEARER"]

    thread = Thread.objects.get(pok=pok)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(
            thread, author=make_staff("anna", pok), text="Paczka wyszła.", then_status=Status.WAITING
        )
    reply.refresh_from_db()
    assert (reply.delivery, reply.last_error) == (Delivery.SENT, "")
    assert ("XOAUTH2", oauth2_account) in smtp_oauth2.logins
    [(_uid, delivered)] = dovecot_oauth2.fetch_all(customer_user, customer_password)
    assert b"Paczka wysz" in delivered
    # Both sessions used one access token: refreshed once, then cached.
    assert refreshes(oauth2_server, oauth2_client) == 1
    # Not even debug logging shows a token.
    pok.refresh_from_db()
    secrets_used = [pok.oauth_access_token.reveal(), pok.oauth_refresh_token.reveal(), oauth2_client.client_secret]
    assert caplog.records and not [s for s in secrets_used if s in caplog.text]


def test_imap_signs_in_with_xoauth2_when_oauthbearer_is_not_offered(dovecot_xoauth2_only, oauth2_client, connect_pok):
    user = f"oa{uuid.uuid4().hex[:10]}"
    dovecot_xoauth2_only.add_user(user, "unused")
    account = f"{user}@example.test"
    pok = connect_pok(oauth2_client, account, imap_port=dovecot_xoauth2_only.imap_port, smtp_auth="password")
    writes_in(dovecot_xoauth2_only, pok, "jan@example.test")
    report = sync_pok(pok)
    assert (report.error, report.new) == ("", 1)
    assert login_methods(dovecot_xoauth2_only, user) == ["XOAUTH2"]


def test_cron_process_uses_the_cached_token(
    transactional_db, run_manage, dovecot_oauth2, oauth2_server, oauth2_client, oauth2_account, connect_pok
):
    pok = connect_pok(oauth2_client, oauth2_account)
    assert check_connections(pok)[0]
    writes_in(dovecot_oauth2, pok, "jan@example.test")
    result = run_manage("sync_inbox", "--pok", pok.pk)
    assert result.returncode == 0, result.stderr
    assert f"{pok.name}: seen 1, new 1" in result.stdout
    assert refreshes(oauth2_server, oauth2_client) == 1


def test_token_expiry_then_refresh(oauth2_server, oauth2_client, oauth2_account, connect_pok):
    # Tokens living 123 s: with the 120 s leeway the cached one counts as fresh for 3 s only.
    oauth2_client.access_token_seconds = oauth.REFRESH_LEEWAY_SECONDS + 3
    pok = connect_pok(oauth2_client, oauth2_account)
    first = oauth.access_token(pok)
    assert oauth.access_token(pok) == first
    assert refreshes(oauth2_server, oauth2_client) == 1
    time.sleep(3.5)
    second = oauth.access_token(pok)
    assert second != first and refreshes(oauth2_server, oauth2_client) == 2
    assert check_connections(pok) == (True, f"{pok.name}: IMAP OK; SMTP OK")
    assert refreshes(oauth2_server, oauth2_client) == 2


def test_two_processes_needing_a_new_token_at_once_refresh_it_once(
    transactional_db, oauth2_server, oauth2_account, connect_pok
):
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no row locks (select_for_update does nothing there)")
    rotating = oauth2_server.add_client()
    rotating.rotate_refresh_tokens, rotating.refresh_delay_seconds = True, 0.5
    pok = connect_pok(rotating, oauth2_account)
    tokens, errors = [], []

    def sign_in():
        try:
            tokens.append(oauth.access_token(Pok.objects.get(pk=pok.pk)))
        except oauth.OAuthUnavailable as error:
            errors.append(str(error))
        finally:
            connection.close()

    racers = [threading.Thread(target=sign_in) for _ in range(2)]
    for racer in racers:
        racer.start()
    for racer in racers:
        racer.join(timeout=30)
    assert errors == []
    assert len(tokens) == 2 and tokens[0] == tokens[1]
    assert refreshes(oauth2_server, rotating) == 1


def test_a_token_the_server_refuses_is_replaced_at_the_next_sign_in(
    oauth2_server, oauth2_client, oauth2_account, connect_pok
):
    pok = connect_pok(oauth2_client, oauth2_account)
    oauth.access_token(pok)
    # The cache says "valid for an hour" but the token itself has expired (a clock jump, an early revocation).
    expired = oauth2_server.access_token(oauth2_account, seconds=-5)
    Pok.objects.filter(pk=pok.pk).update(oauth_access_token=expired)
    ok, line = check_connections(pok)
    assert not ok
    assert "IMAP" in line and "refused the OAuth2 token" in line and "\n" not in line
    assert expired not in line
    assert check_connections(pok) == (True, f"{pok.name}: IMAP OK; SMTP OK")
    assert refreshes(oauth2_server, oauth2_client) == 2


def test_revoked_consent_needs_reconnect_and_other_poks_go_on(
    transactional_db, run_manage, client, dovecot_oauth2, oauth2_server, oauth2_client, connect_pok
):
    revoked_account, working_account = (f"oa{uuid.uuid4().hex[:10]}@example.test" for _ in range(2))
    for account in (revoked_account, working_account):
        dovecot_oauth2.add_user(account.split("@")[0], "unused")
    revoked = connect_pok(oauth2_client, revoked_account, name="Revoked")
    working = connect_pok(oauth2_client, working_account, name="Working")
    refresh_token = revoked.oauth_refresh_token.reveal()
    for pok in (revoked, working):
        writes_in(dovecot_oauth2, pok, "jan@example.test")
    oauth2_server.revoke_all(revoked_account)

    result = run_manage("sync_inbox")
    lines = result.stdout.splitlines()
    [revoked_line] = [line for line in lines if line.startswith("Revoked:")]
    [working_line] = [line for line in lines if line.startswith("Working:")]
    assert "reconnect needed" in revoked_line and "new 0" in revoked_line
    assert "new 1" in working_line and "ERROR" not in working_line
    assert result.returncode == 1 and "sync failed for: Revoked" in result.stderr
    assert refresh_token not in result.stdout + result.stderr
    assert Thread.objects.filter(pok=working).count() == 1

    revoked.refresh_from_db()
    assert revoked.oauth_error.endswith("reconnect needed")
    assert "\n" not in revoked.oauth_error

    outbox = run_manage("send_outbox")
    assert f"Revoked: {revoked.oauth_error}" in outbox.stdout.splitlines()
    assert "Working:" not in outbox.stdout

    client.force_login(make_staff("root", superuser=True))
    page = client.get("/admin/pok/pok/").content.decode()
    assert page.count("reconnect needed") >= 1 and working_account in page


def test_encrypted_columns_hold_no_token_in_plain_text(oauth2_client, oauth2_account, connect_pok):
    pok = connect_pok(oauth2_client, oauth2_account)
    access = oauth.access_token(pok)
    refresh = pok.oauth_refresh_token.reveal()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT oauth_access_token, oauth_refresh_token, oauth_client_secret FROM pok_pok WHERE id = %s", [pok.pk]
        )
        row = cursor.fetchone()
    stored = " ".join(row)
    for secret in (access, refresh, oauth2_client.client_secret):
        assert secret not in stored
    assert [decrypt(value) for value in row] == [access, refresh, oauth2_client.client_secret]


def test_not_connected_pok_says_so_in_the_connection_test(oauth2_client, oauth2_account, connect_pok):
    pok = connect_pok(oauth2_client, oauth2_account, oauth_refresh_token="")
    ok, line = check_connections(pok)
    assert not ok
    assert line.count("not connected") == 2 and "\n" not in line


def test_servers_without_oauth2_say_so(dovecot, smtp_auth_server, oauth2_client, oauth2_account, connect_pok):
    pok = connect_pok(
        oauth2_client,
        oauth2_account,
        imap_host=dovecot.host,
        imap_port=dovecot.imap_port,
        smtp_host=smtp_auth_server.host,
        smtp_port=smtp_auth_server.port,
    )
    ok, line = check_connections(pok)
    assert not ok
    assert line.count("the server offers no OAuth2 sign-in") == 2 and "\n" not in line
