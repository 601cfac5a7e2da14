"""Session lifetime (CRM_SESSION_HOURS) and logout everywhere when a password changes."""

import time

import pytest
from django.test import Client

from tests.factories import make_staff


def browser(username, password):
    """A separate browser that logged in through the login form."""
    client = Client()
    response = client.post("/login/", {"username": username, "password": password})
    assert response.status_code == 302
    return client


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def root(db):
    return make_staff("root", superuser=True)


def test_the_session_cookie_lasts_one_working_day(anna, settings):
    client = Client()
    response = client.post("/login/", {"username": "anna", "password": "pass-anna"})
    assert response.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 9 * 3600
    assert client.session.get_expiry_age() == 9 * 3600


def test_a_session_ends_when_its_lifetime_is_over(anna, settings):
    settings.SESSION_COOKIE_AGE = 2
    client = browser("anna", "pass-anna")
    assert logged_in(client)
    time.sleep(2.5)
    assert not logged_in(client)


def test_a_password_changed_in_the_database_logs_out_every_browser(anna):
    office, home = browser("anna", "pass-anna"), browser("anna", "pass-anna")
    assert logged_in(office) and logged_in(home)
    anna.set_password("a-new-long-password")
    anna.save()
    assert not logged_in(office) and not logged_in(home)
    assert logged_in(browser("anna", "a-new-long-password"))


def test_changing_ones_own_password_in_the_admin_logs_out_the_other_browsers(root):
    here, elsewhere = browser("root", "pass-root"), browser("root", "pass-root")
    response = here.post(
        "/admin/password_change/",
        {"old_password": "pass-root", "new_password1": "Another-long-pass-9", "new_password2": "Another-long-pass-9"},
    )
    assert response.status_code == 302 and response["Location"].endswith("/admin/password_change/done/")
    assert logged_in(here)  # the browser that changed it stays logged in
    assert not logged_in(elsewhere)


def test_an_administrator_setting_a_password_logs_the_user_out(root, anna):
    admin, annas = browser("root", "pass-root"), browser("anna", "pass-anna")
    response = admin.post(
        f"/admin/auth/user/{anna.pk}/password/",
        {"password1": "Reset-by-admin-42", "password2": "Reset-by-admin-42", "usable_password": "true"},
    )
    assert response.status_code == 302
    assert not logged_in(annas)
    assert logged_in(admin)


def test_each_browser_reads_its_own_session_with_sql_built_once(anna, bob, monkeypatch):
    """crm.sessions: every request's session is read with the same prepared SQL, each with its own key."""
    from django.contrib.sessions.models import Session

    from crm import prepared

    monkeypatch.setattr(prepared, "_compiled", {})
    anna_browser, bob_browser = browser("anna", "pass-anna"), browser("bob", "pass-bob")
    for _ in range(2):
        assert 'class="who">Anna Nowak<' in anna_browser.get("/").content.decode()
        assert 'class="who">bob<' in bob_browser.get("/").content.decode()
    assert [key[1] for key in prepared._compiled].count("session") == 1
    Session.objects.filter(session_key=anna_browser.session.session_key).update(expire_date="2000-01-01T00:00Z")
    assert not logged_in(anna_browser) and logged_in(bob_browser)
    unknown = Client()
    unknown.cookies["sessionid"] = "x" * 32
    assert not logged_in(unknown)
