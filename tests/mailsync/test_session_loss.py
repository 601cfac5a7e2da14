"""PostgreSQL restarted in the middle of sync_inbox: the run loses its session and with it its lock.

It must notice, stop, record the error on the POK and exit non-zero; the next run imports the rest,
every message exactly once. A throwaway PostgreSQL of its own (the suite's server stays up), a
real Dovecot mailbox, sync_inbox in a subprocess.
"""

import os
import subprocess
import sys
import time

import psycopg
import pytest
from django.conf import settings

from tests.conftest import PROJECT_ROOT
from tests.mailsync.mails import mail
from tests.servers.postgres import start_postgres

MESSAGES = 1500
RESTART_AFTER_STORED = 200
BODY = "Zamówienie nr 123 nie dotarło, proszę o sprawdzenie.\n" * 20

pytestmark = pytest.mark.skipif(
    not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"),
    reason="a PostgreSQL restart: runs in the suite's PostgreSQL pass (it starts its own server)",
)


@pytest.fixture
def crm_database():
    """A migrated CRM database on a PostgreSQL server of this test's own."""
    server = start_postgres()
    try:
        yield server, server.create_database("crm_restart")
    finally:
        server.stop()


def manage_env(database_url, media_root):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "crm.settings_test",
        "DATABASE_URL": database_url,
        "MEDIA_ROOT": str(media_root),
    }


def manage(env, *args, timeout=300):
    return subprocess.run(
        [sys.executable, str(PROJECT_ROOT / "manage.py"), *args],
        env=env,
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def query(url, sql):
    with psycopg.connect(url, autocommit=True) as connection:
        return connection.execute(sql).fetchone()


def test_a_run_that_loses_its_database_session_stops_records_it_and_the_next_run_completes(
    crm_database, dovecot, mailbox_user, tmp_path
):
    server, url = crm_database
    env = manage_env(url, tmp_path / "media")
    migrated = manage(env, "migrate", "--noinput")
    assert migrated.returncode == 0, migrated.stderr
    user, password = mailbox_user
    made = manage(
        env,
        "shell",
        "-c",
        "from tests.factories import make_pok; "
        f"print(make_pok(imap_host={dovecot.host!r}, imap_port={dovecot.imap_port}, "
        f"imap_user={user!r}, imap_password={password!r}).pk)",
    )
    assert made.returncode == 0, made.stderr
    pok_id = int(made.stdout.split()[-1])
    dovecot.append_many(
        user,
        password,
        (mail(subject=f"Paczka {n}", body=BODY, message_id=f"<p{n}@example.pl>") for n in range(MESSAGES)),
    )

    first = subprocess.Popen(
        [sys.executable, str(PROJECT_ROOT / "manage.py"), "sync_inbox"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while query(url, "SELECT count(*) FROM threads_message")[0] < RESTART_AFTER_STORED:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the sync stored too little in two minutes"
            time.sleep(0.05)
        server.restart()
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()

    assert first.returncode == 1, (out, err)
    assert "lost the lock sync_inbox-pok-" in out and "the run stopped" in out, out
    assert "sync failed for: Test POK" in err, err
    last_error, stored = query(
        url, f"SELECT last_error, (SELECT count(*) FROM threads_message) FROM pok_pok WHERE id = {pok_id}"
    )
    assert "lost the lock" in last_error
    assert RESTART_AFTER_STORED <= stored < MESSAGES, "the restart came after the run had finished"

    second = manage(env, "sync_inbox")
    assert second.returncode == 0, second.stderr
    # What the first run stored is not fetched again, or found by its Message-ID: only the rest is new.
    assert f"new {MESSAGES - stored}," in second.stdout, second.stdout
    total, distinct, last_error = query(
        url,
        "SELECT count(*), count(DISTINCT message_id), "
        f"(SELECT last_error FROM pok_pok WHERE id = {pok_id}) FROM threads_message",
    )
    assert (total, distinct) == (MESSAGES, MESSAGES)
    assert last_error == ""
