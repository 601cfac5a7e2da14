"""A bounce of each assembled format, delivered into the POK's Dovecot mailbox after a real send through
aiosmtpd, marks the right reply bounced and reopens its thread."""

import pytest
from django.urls import reverse

from mailsync.imap_sync import sync_pok
from mailsync.storing import store_message
from pok.failures import Failure
from tests.mailsync.mails import mail
from tests.mailsync.parsing.test_bounces import EXPECTED, sample
from threads import services
from threads.models import Delivery, Direction, EventKind, Message, Status, Thread

pytestmark = pytest.mark.django_db


def answered_thread(pok, anna, address, subject, capture):
    _outcome, first = store_message(pok, mail(subject=subject, sender=f"Jan <{address}>"))
    with capture(execute=True):
        reply = services.reply(first.thread, author=anna, text="Odpowiedź", then_status=Status.ARCHIVED)
    reply.refresh_from_db()
    assert reply.delivery == Delivery.SENT
    assert Thread.objects.get(pk=first.thread_id).status == Status.ARCHIVED
    return reply


@pytest.mark.parametrize("name", EXPECTED)
def test_bounce_marks_the_reply_and_reopens_the_thread(
    name, dovecot, mail_pok, anna, customer, smtp_up, client, django_capture_on_commit_callbacks
):
    address = customer[0]
    other = answered_thread(mail_pok, anna, address, "Inny temat", django_capture_on_commit_callbacks)
    reply = answered_thread(mail_pok, anna, address, "Gdzie paczka?", django_capture_on_commit_callbacks)
    thread = reply.thread
    raw = sample(name, message_id=reply.message_id, token=thread.token, recipient=address, pok=mail_pok.from_address)
    dovecot.deliver(mail_pok.imap_user, raw)
    assert sync_pok(mail_pok).new == 1

    _by_id, _status, code, kind = EXPECTED[name]
    reply.refresh_from_db()
    assert reply.bounced_at is not None and reply.bounce_recipient == address
    assert reply.failure == kind and reply.bounce_reason.startswith(str(code))
    assert reply.delivery == Delivery.SENT, "the server had taken it: only the report says it bounced"
    report = Message.objects.get(direction=Direction.INCOMING, is_bounce=True)
    assert report.thread_id == thread.pk and report.is_auto_reply
    thread.refresh_from_db()
    assert thread.status == Status.NEW
    assert list(thread.events.filter(kind=EventKind.DELIVERY).values_list("old_value", "new_value")) == [
        (kind, "bounced")
    ]
    other.refresh_from_db()
    assert other.bounced_at is None and Thread.objects.get(pk=other.thread_id).status == Status.ARCHIVED

    client.force_login(anna)
    page = client.get(reverse("threads:detail", args=[thread.public_id]), HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert 'data-testid="bounced"' in page and f"Nie doręczono do {address}." in page
    assert "Raport doręczenia" in page and "Odpowiedź wróciła jako niedoręczona" in page


def test_a_second_report_for_the_same_reply_changes_nothing(
    mail_pok, anna, customer, smtp_up, django_capture_on_commit_callbacks
):
    reply = answered_thread(mail_pok, anna, customer[0], "Pytanie", django_capture_on_commit_callbacks)
    for copy in ("postfix.eml", "gmail.eml"):
        raw = sample(copy, message_id=reply.message_id, token=reply.thread.token, recipient=customer[0])
        store_message(mail_pok, raw)
    events = reply.thread.events.filter(kind=EventKind.DELIVERY)
    assert events.count() == 1 and Message.objects.filter(is_bounce=True, thread=reply.thread).count() == 2


def test_a_bounce_of_mail_we_never_sent_is_filed_away_marked(mail_pok):
    raw = sample("postfix.eml", message_id="someone-else@example.org", token="#ZZZZZZZ", recipient="x@example.org")
    _outcome, report = store_message(mail_pok, raw)
    assert report.is_bounce and report.thread.status == Status.ARCHIVED
    assert not report.thread.events.filter(kind=EventKind.DELIVERY).exists()


def test_a_bounced_reply_is_no_answer_in_the_statistics(
    mail_pok, anna, customer, smtp_up, django_capture_on_commit_callbacks
):
    from threads.stats.figures import last_days, report

    reply = answered_thread(mail_pok, anna, customer[0], "Pytanie", django_capture_on_commit_callbacks)
    assert report(anna, *last_days(1)).total.answered == 1
    store_message(mail_pok, sample("exim.eml", message_id=reply.message_id, recipient=customer[0]))
    figures = report(anna, *last_days(1)).total
    assert figures.answered == 0 and figures.unanswered == 1
    assert Message.objects.get(pk=reply.pk).failure == Failure.RECIPIENT
