"""The embedded default never locks: staff keep working in the browser while sync_inbox imports mail.

Reported on SQLite: ordinary browsing in Chromium during an import got HTTP 500 "database is
locked" from the presence poll (a read-then-write transaction that SQLite refuses to upgrade
while another process writes). Runs on PostgreSQL too, where it must hold as well.
"""

import time

import pytest

from tests.factories import make_pok, make_staff
from tests.mailsync.mails import mail
from tests.threads.browser.conftest import log_in
from threads.models import Message, Thread

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

MESSAGES = 800
POLL_EVERY_MS = 100
BODY = "Dzień dobry, gdzie jest moja paczka? Zamówienie złożyłem w poniedziałek.\n" * 30


def test_presence_poll_while_sync_inbox_imports_sees_no_error(
    page, live_server, dovecot, mailbox_user, run_manage, spawn_manage
):
    user, password = mailbox_user
    pok = make_pok(
        name="Sklep", imap_host=dovecot.host, imap_port=dovecot.imap_port, imap_user=user, imap_password=password
    )
    make_staff("anna", pok)
    dovecot.append(user, password, mail(subject="Gdzie jest paczka?", message_id="<first@example.pl>"))
    assert run_manage("sync_inbox").returncode == 0
    thread = Thread.objects.get(pok=pok)
    dovecot.append_many(
        user,
        password,
        (mail(subject=f"Pytanie {n}", body=BODY, sender=f"klient{n}@example.pl") for n in range(MESSAGES)),
    )

    answers = []
    page.on("response", lambda response: answers.append((response.request.method, response.url, response.status)))
    log_in(page, live_server, "anna", "pass-anna")
    page.goto(f"{live_server.url}/t/{thread.public_id}/")

    sync = spawn_manage("sync_inbox")
    started = time.monotonic()
    polls_during_sync = 0
    while sync.poll() is None and time.monotonic() - started < 120:
        page.evaluate("htmx.trigger('#presence', 'typing-started')")  # the poll, ten times faster than the page's own
        page.wait_for_timeout(POLL_EVERY_MS)
        polls_during_sync += 1
        if polls_during_sync % 25 == 0:
            page.reload()  # and ordinary browsing: the thread page again
    out, err = sync.communicate(timeout=60)

    assert sync.returncode == 0, err
    assert f"new {MESSAGES}" in out, out
    assert Message.objects.filter(pok=pok).count() == MESSAGES + 1
    presence = [status for method, url, status in answers if method == "POST" and "/presence/" in url]
    assert len(presence) >= 10, f"the sync ended before the browser polled enough ({len(presence)} polls)"
    errors = [answer for answer in answers if answer[2] >= 500]
    assert errors == [], errors
    assert set(presence) == {200}
