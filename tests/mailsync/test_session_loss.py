"""PostgreSQL restarted in the middle of sync_inbox: the run loses its session and with it its lock.

It must notice, stop, record the error on the POK and exit non-zero; the next run imports the rest,
every message exactly once. A throwaway PostgreSQL of its own (the suite's server stays up), a
real Dovecot mailbox, sync_inbox in a subprocess.
"""

import subprocess
import sys
import time

import pytest

from tests.mailsync.mails import mail
from tests.own_postgres import MANAGE, PROJECT_ROOT, only_in_the_postgresql_pass, own_crm

MESSAGES = 1500
RESTART_AFTER_STORED = 200
BODY = "Zamówienie nr 123 nie dotarło, proszę o sprawdzenie.\n" * 20

pytestmark = only_in_the_postgresql_pass


@pytest.fixture
def crm(tmp_path):
    with own_crm(tmp_path / "media") as crm:
        yield crm


def test_a_run_that_loses_its_database_session_stops_records_it_and_the_next_run_completes(crm, dovecot, mailbox_user):
    user, password = mailbox_user
    made = crm.manage(
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
        [sys.executable, str(MANAGE), "sync_inbox"],
        env=crm.env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while crm.query("SELECT count(*) FROM threads_message")[0] < RESTART_AFTER_STORED:
            assert first.poll() is None, first.communicate()
            assert time.monotonic() < deadline, "the sync stored too little in two minutes"
            time.sleep(0.05)
        crm.server.restart()
        out, err = first.communicate(timeout=120)
    finally:
        if first.poll() is None:
            first.kill()
            first.communicate()

    assert first.returncode == 1, (out, err)
    assert "lost the lock sync_inbox-pok-" in out and "the run stopped" in out, out
    assert "sync failed for: Test POK" in err, err
    last_error, stored = crm.query(
        "SELECT last_error, (SELECT count(*) FROM threads_message) FROM pok_pok WHERE id = %s", [pok_id]
    )
    assert "lost the lock" in last_error
    assert RESTART_AFTER_STORED <= stored < MESSAGES, "the restart came after the run had finished"

    second = crm.manage("sync_inbox")
    assert second.returncode == 0, second.stderr
    # What the first run stored is not fetched again, or found by its Message-ID: only the rest is new.
    assert f"new {MESSAGES - stored}," in second.stdout, second.stdout
    total, distinct, last_error = crm.query(
        "SELECT count(*), count(DISTINCT message_id), (SELECT last_error FROM pok_pok WHERE id = %s)"
        " FROM threads_message",
        [pok_id],
    )
    assert (total, distinct) == (MESSAGES, MESSAGES)
    assert last_error == ""
