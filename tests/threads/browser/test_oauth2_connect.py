"""Connecting a Microsoft 365 mailbox from the admin in Chromium, against the local authorization server.

Microsoft's authority is pointed at the test server (CRM_OAUTH_MICROSOFT_AUTHORITY), so the
provider's real URL layout (tenant, /oauth2/v2.0/authorize) and scopes are what the browser sees.
"""

import uuid

import pytest
from playwright.sync_api import expect

from mailsync.imap_sync import sync_pok
from pok.models import Pok
from tests.factories import make_pok, make_staff
from tests.mailsync.mails import mail

pytestmark = pytest.mark.browser


@pytest.fixture
def microsoft_at_test_server(settings, live_server, oauth2_server):
    client = oauth2_server.add_client()
    settings.CRM_BASE_URL = live_server.url
    settings.CRM_OAUTH_MICROSOFT_AUTHORITY = oauth2_server.url
    settings.CRM_OAUTH_MICROSOFT_CLIENT_ID = client.client_id
    settings.CRM_OAUTH_MICROSOFT_CLIENT_SECRET = client.client_secret
    return client


def admin_log_in(page, live_server, next_path):
    make_staff("root", superuser=True)
    page.goto(f"{live_server.url}/admin/login/?next={next_path}")
    page.fill("#id_username", "root")
    page.fill("#id_password", "pass-root")
    page.click("input[type=submit]")
    page.wait_for_url(f"**{next_path}")


def sign_in_at_provider(page, oauth2_server, account):
    page.wait_for_url(f"{oauth2_server.url}/organizations/oauth2/v2.0/authorize?**")
    scope = page.locator("#scope").inner_text()
    assert "https://outlook.office.com/IMAP.AccessAsUser.All" in scope and "offline_access" in scope
    page.fill("#account", account)
    page.click("#allow")


def test_connect_reconnect_disconnect_in_the_admin(
    page, live_server, transactional_db, oauth2_server, dovecot_oauth2, smtp_oauth2, microsoft_at_test_server
):
    user = f"ms{uuid.uuid4().hex[:10]}"
    account = f"{user}@example.test"
    dovecot_oauth2.add_user(user, "unused")
    admin_log_in(page, live_server, "/admin/pok/pok/add/")
    page.fill("#id_name", "Microsoft BOK")
    page.fill("#id_imap_host", dovecot_oauth2.host)
    page.fill("#id_imap_port", str(dovecot_oauth2.imap_port))
    page.select_option("#id_imap_security", "none")
    page.fill("#id_smtp_host", smtp_oauth2.host)
    page.fill("#id_smtp_port", str(smtp_oauth2.port))
    page.select_option("#id_smtp_security", "none")
    page.fill("#id_from_address", account)
    page.select_option("#id_imap_auth", "oauth2")
    page.select_option("#id_smtp_auth", "oauth2")
    page.select_option("#id_oauth_provider", "microsoft")
    page.fill("#id_oauth_tenant", "organizations")
    page.click("input[name=_continue]")
    expect(page.locator("#oauth2-connect")).to_be_visible()
    pok = Pok.objects.get(name="Microsoft BOK")

    page.click("#oauth2-connect")
    sign_in_at_provider(page, oauth2_server, account)
    page.wait_for_url(f"{live_server.url}/admin/pok/pok/{pok.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text(f"Microsoft BOK: connected as {account}.")
    expect(page.locator("#oauth2-status")).to_have_text(f"Connected as {account}.")
    pok.refresh_from_db()
    first_refresh_token = pok.oauth_refresh_token.reveal()
    assert first_refresh_token and pok.oauth_account == account

    dovecot_oauth2.deliver(account, mail(subject="Faktura", sender="jan@example.pl", to=account))
    assert sync_pok(pok).new == 1

    page.goto(f"{live_server.url}/admin/pok/pok/")
    expect(page.locator("td.field-sign_in")).to_have_text(f"OAuth2 · {account}")
    page.check(f"input[name=_selected_action][value='{pok.pk}']")
    page.select_option("select[name=action]", "test_connection")
    page.click("button[name=index]")
    expect(page.locator(".messagelist")).to_contain_text("Microsoft BOK: IMAP OK; SMTP OK")

    page.goto(f"{live_server.url}/admin/pok/pok/{pok.pk}/change/")
    page.click("#oauth2-reconnect")
    sign_in_at_provider(page, oauth2_server, account)
    expect(page.locator("#oauth2-status")).to_have_text(f"Connected as {account}.")
    pok.refresh_from_db()
    assert pok.oauth_refresh_token.reveal() not in ("", first_refresh_token)

    page.click("#oauth2-disconnect")
    page.click("#oauth2-disconnect-confirm")
    expect(page.locator(".messagelist")).to_contain_text("Microsoft BOK: OAuth2 disconnected.")
    expect(page.locator("#oauth2-connect")).to_be_visible()
    pok.refresh_from_db()
    assert not pok.oauth_refresh_token and not pok.oauth_account


def test_consent_refused_at_the_provider(page, live_server, transactional_db, oauth2_server, microsoft_at_test_server):
    pok = make_pok(name="Refusing", imap_auth="oauth2", oauth_provider="microsoft", oauth_tenant="organizations")
    admin_log_in(page, live_server, f"/admin/pok/pok/{pok.pk}/change/")
    page.click("#oauth2-connect")
    page.wait_for_url(f"{oauth2_server.url}/**")
    page.click("#deny")
    page.wait_for_url(f"{live_server.url}/admin/pok/pok/{pok.pk}/change/")
    expect(page.locator(".messagelist")).to_contain_text("did not connect the mailbox (access_denied)")
    expect(page.locator("#oauth2-connect")).to_be_visible()
