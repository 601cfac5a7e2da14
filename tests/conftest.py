"""Shared fixtures: real servers (started once per session), manage.py subprocesses, Chromium."""

import os
import secrets
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest

from tests.servers.dovecot import start_dovecot
from tests.servers.oauth2 import start_oauth2_server
from tests.servers.s3 import start_s3
from tests.servers.smtp import start_smtp

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
MANAGE_TIMEOUT = 120
SETTLE_SECONDS = 0.5


def pytest_configure(config):
    # AUTH without TLS is deliberate on the loopback test SMTP server; aiosmtpd warns on every connection.
    config.addinivalue_line("filterwarnings", "ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture(scope="session")
def dovecot():
    server = start_dovecot()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp_server(dovecot):
    """SMTP without AUTH; each message is also delivered into the Dovecot user named by the recipient's local part."""
    server = start_smtp(relay_to_dovecot=dovecot)
    yield server
    server.stop()


@pytest.fixture
def smtp_up(smtp_server):
    """The SMTP server listening, and listening again after the test (which may stop it or make it
    refuse recipients)."""
    smtp_server.start()
    yield smtp_server
    smtp_server.refuse.clear()
    smtp_server.start()


@pytest.fixture(scope="session")
def smtp_auth_server():
    """SMTP that requires AUTH PLAIN/LOGIN with the credentials in `.auth`."""
    server = start_smtp(auth=("crm-sender", secrets.token_urlsafe(12)))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def oauth2_server():
    """The local OAuth2 authorization server (tests/servers/oauth2.py)."""
    server = start_oauth2_server()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def dovecot_oauth2(oauth2_server):
    """A second Dovecot that also signs in with `oauth2_server`'s access tokens (XOAUTH2, OAUTHBEARER)."""
    server = start_dovecot(oauth2_key=(oauth2_server.key_id, oauth2_server.public_key_pem))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def smtp_oauth2(oauth2_server, dovecot_oauth2):
    """SMTP that takes only AUTH XOAUTH2 with `oauth2_server`'s access tokens; relays into `dovecot_oauth2`."""
    server = start_smtp(relay_to_dovecot=dovecot_oauth2, oauth2_verify=oauth2_server.verify)
    yield server
    server.stop()


@pytest.fixture
def mailbox_user(dovecot):
    """A fresh Dovecot user: (name, password)."""
    name = f"user{uuid.uuid4().hex[:12]}"
    password = secrets.token_urlsafe(12)
    dovecot.add_user(name, password)
    return name, password


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture(scope="session")
def s3_server():
    server = start_s3()
    yield server
    server.stop()


@pytest.fixture
def s3_bucket(s3_server, settings, monkeypatch):
    """A fresh bucket on the test S3 server, made the file storage of this test and of the
    manage.py subprocesses it starts (through the CRM_S3_* variables). Its name is returned."""
    import environ

    from crm.config import file_storage

    bucket = s3_server.create_bucket()
    for name, value in s3_server.environment(bucket).items():
        monkeypatch.setenv(name, value)
    settings.STORAGES = {**settings.STORAGES, "default": file_storage(environ.Env())}
    return bucket


def _test_database_url() -> str:
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        if connection.is_in_memory_db():
            raise RuntimeError("run_manage needs a file SQLite test database (see TEST NAME in crm/settings_test.py)")
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db.get("PASSWORD"):
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT'] or 5432}/{quote(db['NAME'], safe='')}"


def _manage_command(args, settings) -> tuple[list[str], dict]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings_test",
        "DATABASE_URL": _test_database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    return [sys.executable, str(PROJECT_ROOT / "manage.py"), *map(str, args)], env


@pytest.fixture
def run_manage(settings):
    """run_manage(*args, input=None, timeout=120) -> CompletedProcess (text) of `manage.py args`
    in a subprocess on the test database. Use with `transactional_db` so it sees the test's data."""

    def run(*args, input=None, timeout=MANAGE_TIMEOUT):
        command, env = _manage_command(args, settings)
        return subprocess.run(
            command, env=env, cwd=PROJECT_ROOT, input=input, capture_output=True, text=True, timeout=timeout
        )

    return run


@pytest.fixture
def spawn_manage(settings):
    """spawn_manage(*args) -> Popen (text, stdout/stderr piped) of `manage.py args`, e.g. to kill it mid-run.
    Processes still running at the end of the test are killed. Use with `transactional_db`."""
    processes = []

    def spawn(*args):
        command, env = _manage_command(args, settings)
        process = subprocess.Popen(
            command, env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        processes.append(process)
        return process

    yield spawn
    for process in processes:
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (never `playwright install`: it downloads a browser)."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (scripts/test does)", pytrace=False)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread; Django would then refuse ORM calls
    # made by the test itself as "async context".
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page in its own context (Accept-Language en-US: UI strings stay English until a test asks otherwise)."""
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    yield page
    # Leaving the page fires its last requests (the presence poll's "leaving" beacon); let the live
    # server answer them before the test database is flushed, or the flush can deadlock with them.
    page.goto("about:blank")
    context.close()
    time.sleep(SETTLE_SECONDS)


@pytest.fixture
def pok(db):
    from tests.factories import make_pok

    return make_pok()


@pytest.fixture
def screenshots(tmp_path) -> Path:
    """Where browser tests save their screenshots: docs/screenshots (for the README) when
    CRM_UPDATE_SCREENSHOTS=1, else a temp dir, so that a test run leaves the checkout clean."""
    if os.environ.get("CRM_UPDATE_SCREENSHOTS") == "1":
        folder = PROJECT_ROOT / "docs" / "screenshots"
    else:
        folder = tmp_path / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the default language: a request with another Accept-Language leaves its
    language active in the thread (LocaleMiddleware does not reset it), which would leak into the next test."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
