"""The owners' e-mail digest (send_owner_digests) through the real test SMTP server: what it tells, in whose
language, and that each customer message is told once, also after a failure or a run killed mid-way."""

import io
import time
from datetime import UTC, datetime, timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from crm.models import Preferences
from pok import cron
from tests.servers.smtp import start_smtp
from tests.threads.notify.conftest import owner
from tests.threads.ui.mails import receive
from threads import digests
from threads.models import DigestEntry, DigestState, OwnerDigest, Status, Thread


def run() -> str:
    out = io.StringIO()
    call_command("send_owner_digests", stdout=out)
    return out.getvalue()


def owned(pok, user, subject, sender="Jan Kowalski <jan@example.com>", **fields):
    message = receive(pok, subject=subject, sender=sender, **fields)
    Thread.objects.filter(pk=message.thread_id).update(owner=user)
    return message


def a_period_later():
    """As if the previous digests were sent over an hour ago (the next hourly one is due)."""
    OwnerDigest.objects.update(created_at=timezone.now() - timedelta(hours=2))


def test_each_owner_gets_their_own_threads_once(sending_pok, smtp_server, mails_to):
    anna = owner("anna", sending_pok, language="en")
    piotr = owner("piotr", sending_pok)
    first = owned(sending_pok, anna, "Broken zipper")
    again = owned(sending_pok, anna, f"Re: [{first.thread.token}] Broken zipper")
    assert again.thread_id == first.thread_id
    owned(sending_pok, anna, "Wrong size", sender="Ewa Nowak <ewa@example.com>")
    owned(sending_pok, piotr, "Gdzie paczka?")
    spam = owned(sending_pok, anna, "Cheap pills")
    Thread.objects.filter(pk=spam.thread_id).update(status=Status.SPAM)
    receive(sending_pok, subject="Nobody's thread")

    output = run()

    [to_anna] = mails_to("anna@staff.example")
    body = to_anna.get_content()
    assert to_anna["From"] == sending_pok.from_address
    assert to_anna["Subject"] == "Customers wrote in 2 threads you own"  # her language, not the POK's Polish
    assert "Broken zipper" in body and "Wrong size" in body and "Cheap pills" not in body
    assert "Gdzie paczka?" not in body and "Nobody's thread" not in body
    assert settings.CRM_BASE_URL.rstrip("/") + reverse("threads:detail", args=[first.thread.public_id]) in body
    [to_piotr] = mails_to("piotr@staff.example")
    assert to_piotr["Subject"] == "Klient napisał w 1 twoim wątku"  # no language chosen: the POK's
    assert "Gdzie paczka?" in to_piotr.get_content()
    assert "anna: 2 threads, 3 messages: sent" in output
    assert "Owner digests: sent 2, failed 0" in output

    sent = len(smtp_server.messages)
    assert "sent 0" in run()  # the same hour: not due
    a_period_later()
    output = run()
    assert len(smtp_server.messages) == sent  # due again, but every message was told already
    assert "owners with nothing new 2" in output

    owned(sending_pok, anna, "Another question")
    a_period_later()
    run()
    newest = mails_to("anna@staff.example")[-1]
    assert "Another question" in newest.get_content() and "Broken zipper" not in newest.get_content()
    assert DigestEntry.objects.filter(user=anna).count() == 4


def test_mail_from_before_the_digest_was_chosen_is_not_told(sending_pok, smtp_server, mails_to):
    anna = owner("anna", sending_pok, digest="off")
    owned(sending_pok, anna, "Old question")
    Preferences.objects.filter(user=anna).update(digest="hourly")  # as if chosen before the mail (no start)
    assert digests.due_owners(timezone.now())[0].digest_since is None
    assert "owners with nothing new 1" in run()

    from crm.preferences import save_preferences

    save_preferences(anna, language="", browser_notifications="", digest="daily")
    owned(sending_pok, anna, "New question")
    Preferences.objects.filter(user=anna).update(digest="hourly")
    run()
    [digest] = mails_to("anna@staff.example")
    assert "New question" in digest.get_content() and "Old question" not in digest.get_content()


def test_no_digest_for_owners_without_an_address_or_the_choice(sending_pok, smtp_server):
    nobody = owner("nobody", sending_pok, email=False)
    off = owner("off", sending_pok, digest="off")
    owned(sending_pok, nobody, "Question A")
    owned(sending_pok, off, "Question B")
    sent = len(smtp_server.messages)
    assert "sent 0" in run()
    assert len(smtp_server.messages) == sent
    assert not OwnerDigest.objects.exists()


def test_a_refused_digest_releases_its_messages_into_the_next_run(sending_pok, smtp_server, mails_to):
    anna = owner("anna", sending_pok)
    owned(sending_pok, anna, "Broken zipper")
    smtp_server.refuse["anna@staff.example"] = "550 5.1.1 No such user"
    try:
        output = run()
    finally:
        smtp_server.refuse.clear()
    assert "failed 1" in output and "550" in output
    [failed] = OwnerDigest.objects.all()
    assert failed.state == DigestState.FAILED and "550" in failed.error
    assert not DigestEntry.objects.exists()
    assert mails_to("anna@staff.example") == []

    assert "sent 1" in run()  # a failed digest does not count as this hour's: tried again at once
    [digest] = mails_to("anna@staff.example")
    assert "Broken zipper" in digest.get_content()
    assert "sent 0" in run()


def test_an_unreachable_server_is_a_failure_not_a_crash(sending_pok, smtp_server, mails_to):
    anna = owner("anna", sending_pok)
    owned(sending_pok, anna, "Broken zipper")
    smtp_server.stop()
    try:
        output = run()
    finally:
        smtp_server.start()
    assert "failed 1" in output
    assert "sent 1" in run()
    assert len(mails_to("anna@staff.example")) == 1


def test_a_digest_decided_by_a_run_killed_before_sending_is_sent_by_the_next(sending_pok, smtp_server, mails_to):
    anna = owner("anna", sending_pok)
    owned(sending_pok, anna, "Broken zipper")
    [preferences] = digests.due_owners(timezone.now())
    assert digests.prepare(preferences, now=timezone.now()) is not None  # then the run died

    output = run()
    assert "sent 1" in output
    assert len(mails_to("anna@staff.example")) == 1
    assert OwnerDigest.objects.get().state == DigestState.SENT


def test_deciding_costs_the_same_whatever_the_archive(sending_pok, django_assert_num_queries):
    anna = owner("anna", sending_pok)
    owned(sending_pok, anna, "One")
    with django_assert_num_queries(1):
        [preferences] = digests.due_owners(timezone.now())
    with CaptureQueriesContext(connection) as one:
        digests.prepare(preferences, now=timezone.now())
    for n in range(20):
        owned(sending_pok, anna, f"Question {n}")
    a_period_later()
    [preferences] = digests.due_owners(timezone.now())
    with django_assert_num_queries(len(one.captured_queries)):
        digests.prepare(preferences, now=timezone.now())
    assert len(one.captured_queries) <= 6  # a savepoint and its release among them
    assert DigestEntry.objects.count() == 21


def test_daily_digests_start_at_the_configured_hour(settings):
    settings.CRM_DIGEST_HOUR = 7
    settings.TIME_ZONE = "Europe/Warsaw"
    morning = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)  # 07:30 in Warsaw
    assert digests.period_start("daily", morning) == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)
    night = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)  # 06:00 in Warsaw: yesterday's period
    assert digests.period_start("daily", night) == datetime(2026, 11, 30, 6, 0, tzinfo=UTC)
    assert digests.period_start("hourly", morning) == datetime(2026, 12, 1, 6, 0, tzinfo=UTC)


def test_registered_as_a_cron_job():
    assert (settings.CRM_DIGEST_SCHEDULE, "pok.cron.run_job", ["send_owner_digests"]) in settings.CRONJOBS
    index = cron.job_names().index("send_owner_digests")
    assert cron.crontab_lines()[index].startswith(settings.CRM_DIGEST_SCHEDULE + " ")


@pytest.fixture
def slow_smtp():
    """SMTP that waits 4 seconds after DATA before it accepts a message."""
    server = start_smtp()
    server.data_delay = 4
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_a_run_killed_while_handing_the_digest_over_never_sends_it_again(slow_smtp, spawn_manage, run_manage):
    from tests.factories import make_pok

    pok = make_pok(smtp_host=slow_smtp.host, smtp_port=slow_smtp.port, from_address="bok@shop-a.example")
    anna = owner("anna", pok)
    owned(pok, anna, "Broken zipper")

    process = spawn_manage("send_owner_digests")
    deadline = time.monotonic() + 60
    while not OwnerDigest.objects.filter(state=DigestState.SENDING).exists():
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.1)
    time.sleep(1)  # inside sendmail, waiting for the server's answer to DATA
    process.kill()
    process.communicate()
    while len(slow_smtp.messages) < 1:  # the server did take the mail: the run just never heard so
        assert time.monotonic() < deadline
        time.sleep(0.1)

    slow_smtp.data_delay = 0
    rerun = run_manage("send_owner_digests")
    assert rerun.returncode == 0, rerun.stderr
    assert "interrupted and set aside 1" in rerun.stdout
    assert OwnerDigest.objects.get().state == DigestState.INTERRUPTED
    assert len(slow_smtp.messages) == 1

    owned(pok, anna, "Wrong size")
    OwnerDigest.objects.update(created_at=timezone.now() - timedelta(hours=2))
    assert "sent 1" in run_manage("send_owner_digests").stdout
    assert len(slow_smtp.messages) == 2
    latest = slow_smtp.messages[-1][2].decode()
    assert "Wrong size" in latest and "Broken zipper" not in latest
