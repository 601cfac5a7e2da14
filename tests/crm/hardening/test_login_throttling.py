"""Login throttling (django-axes) on the staff login and the admin's: per account and per address."""

import logging
import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client

from crm.throttling import client_ip
from tests.factories import make_staff

LOGIN_PAGES = ["/login/", "/admin/login/"]


def log_in(path, username, password, address="10.1.1.1", client=None):
    """POST the login form from `address`; returns (response, the client)."""
    client = client or Client()
    response = client.post(path, {"username": username, "password": password}, REMOTE_ADDR=address)
    return response, client


def logged_in(client) -> bool:
    return client.get("/").status_code == 200


@pytest.fixture
def root(db):
    return make_staff("root", superuser=True)


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_fifty_wrong_passwords_then_the_right_one_is_refused(root, path):
    for _ in range(50):
        response, _client = log_in(path, "root", "wrong")
        assert response.status_code in (200, 429)
    response, client = log_in(path, "root", "pass-root")
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert not logged_in(client)


def test_the_limit_is_the_setting(root, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in("/login/", "root", "wrong")
    response, client = log_in("/login/", "root", "pass-root")
    assert response.status_code == 302 and logged_in(client)


def test_an_account_is_locked_whatever_the_address(root, settings):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in("/login/", "root", "wrong", address=f"10.2.0.{number}")
    response, client = log_in("/login/", "root", "pass-root", address="10.3.3.3")
    assert response.status_code == 429 and not logged_in(client)


def test_an_address_is_locked_whatever_the_account(root, settings, anna):
    for number in range(settings.AXES_FAILURE_LIMIT):
        log_in("/login/", f"nobody{number}", "wrong", address="10.4.4.4")
    response, client = log_in("/login/", "anna", "pass-anna", address="10.4.4.4")
    assert response.status_code == 429 and not logged_in(client)
    # The same account from elsewhere is not locked.
    response, client = log_in("/login/", "anna", "pass-anna", address="10.5.5.5")
    assert response.status_code == 302 and logged_in(client)


def lock_out(settings, username="root"):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("/login/", username, "wrong")
    response, _client = log_in("/login/", username, f"pass-{username}")
    assert response.status_code == 429


def test_unlocked_after_the_cool_off(root, settings):
    settings.AXES_COOLOFF_TIME = timedelta(seconds=2)
    lock_out(settings)
    time.sleep(2.5)
    response, client = log_in("/login/", "root", "pass-root")
    assert response.status_code == 302 and logged_in(client)


def test_the_lockout_page_names_the_cool_off(root, settings):
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in("/login/", "root", "wrong")
    response, _client = log_in("/login/", "root", "pass-root")
    assert "try again in 15 minutes" in response.content.decode()


def test_an_administrator_unlocks_an_account_with_a_command(root, settings, capsys):
    lock_out(settings)
    call_command("axes_reset_username", "root")
    response, client = log_in("/login/", "root", "pass-root")
    assert response.status_code == 302 and logged_in(client)


def test_failed_logins_are_logged_without_the_password(root, caplog):
    with caplog.at_level(logging.INFO):
        log_in("/login/", "root", "Very-Secret-Guess-1", address="10.6.6.6")
        log_in("/admin/login/", "root", "Very-Secret-Guess-2", address="10.6.6.6")
    failures = [record.getMessage() for record in caplog.records if "login failure" in record.getMessage()]
    assert len(failures) == 2
    assert all('username: "root"' in line and 'ip_address: "10.6.6.6"' in line for line in failures)
    assert all(record.levelno == logging.WARNING for record in caplog.records if "login failure" in record.getMessage())
    assert not [record for record in caplog.records if "Very-Secret-Guess" in record.getMessage()]


def test_a_stored_attempt_keeps_no_password(root):
    log_in("/login/", "root", "Very-Secret-Guess-3")
    attempt = AccessAttempt.objects.get(username="root")
    assert "Very-Secret-Guess" not in attempt.post_data
    assert attempt.failures_since_start == 1


class FakeRequest:
    def __init__(self, remote, forwarded=None):
        self.META = {"REMOTE_ADDR": remote}
        if forwarded is not None:
            self.META["HTTP_X_FORWARDED_FOR"] = forwarded


def test_the_address_behind_trusted_proxies(settings):
    settings.CRM_TRUSTED_PROXY_COUNT = 0
    assert client_ip(FakeRequest("10.0.0.1", "1.2.3.4")) == "10.0.0.1"  # no proxy: a client's header is ignored
    settings.CRM_TRUSTED_PROXY_COUNT = 1
    assert client_ip(FakeRequest("10.0.0.1", "6.6.6.6, 1.2.3.4")) == "1.2.3.4"  # what the client wrote is skipped
    assert client_ip(FakeRequest("10.0.0.1")) == "10.0.0.1"
    settings.CRM_TRUSTED_PROXY_COUNT = 2
    assert client_ip(FakeRequest("10.0.0.1", "6.6.6.6, 1.2.3.4, 10.0.0.2")) == "1.2.3.4"


@pytest.mark.parametrize("header", ["HTTP_USER_AGENT", "HTTP_ACCEPT"])
def test_a_login_with_a_nul_in_a_header_is_400(root, header):
    """django-axes stores the user agent and Accept header of a failure, and PostgreSQL takes no NUL."""
    client = Client(**{header: "Mozilla\x00/5.0"})
    response = client.post("/login/", {"username": "root", "password": "wrong"})
    assert response.status_code == 400
    assert not AccessAttempt.objects.exists()


def test_a_forged_forwarded_address_is_not_trusted(root, settings):
    settings.CRM_TRUSTED_PROXY_COUNT = 2  # one proxy more than there is: the client's header counts
    client = Client(HTTP_X_FORWARDED_FOR="not-an-address, 10.0.0.1", REMOTE_ADDR="10.0.0.2")
    response = client.post("/login/", {"username": "root", "password": "wrong"})
    assert response.status_code == 200
    assert AccessAttempt.objects.get(username="root").ip_address == "10.0.0.2"


@pytest.mark.parametrize("path", LOGIN_PAGES)
def test_an_overlong_user_name_is_a_failed_login(root, path):
    response, client = log_in(path, "x" * 100_000, "wrong")
    assert response.status_code == 200 and not logged_in(client)
    assert AccessAttempt.objects.get().username == "x" * 255
