"""A reply the customer never got is never filed away, against the real aiosmtpd.

Every combination of action, failure and retry is walked; after every step no thread may be
waiting or archived while one of its replies is undelivered.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from mailsync.storing import store_message
from pok.failures import Failure
from tests.mailsync.mails import mail
from tests.threads.sending.conftest import sent_copies
from threads import outbox, services
from threads.models import UNDELIVERED, Delivery, Direction, EventKind, Message, Status, Thread

pytestmark = pytest.mark.django_db

ACTIONS = ["reply+archive", "reply+wait", "new+archive", "new+wait"]
FAILURES = ["smtp down", "recipient refused", "interrupted"]
RETRIES = ["automatic", "manual"]


def assert_nothing_filed_away_undelivered():
    filed = Thread.objects.filter(
        status__in=[Status.WAITING, Status.ARCHIVED],
        messages__direction=Direction.OUTGOING,
        messages__delivery__in=UNDELIVERED,
    )
    assert not filed.exists(), [(t.token, t.status) for t in filed]


def make_due(message):
    """Time passes until the message's next automatic try (one without a next try stays so)."""
    Message.objects.filter(pk=message.pk, next_attempt_at__isnull=False).update(
        next_attempt_at=timezone.now() - timedelta(seconds=1)
    )


@pytest.fixture
def incoming_thread(mail_pok, customer):
    address, _user, _password = customer
    _outcome, message = store_message(mail_pok, mail(subject="Gdzie paczka?", sender=f"Jan <{address}>"))
    return message.thread


def act(action, thread, pok, author, recipient, capture, send):
    """Run the action; its send runs on commit only when `send`. Returns the outgoing message."""
    chosen = Status.ARCHIVED if action.endswith("archive") else Status.WAITING
    with capture(execute=send):
        if action.startswith("reply"):
            return services.reply(thread, author=author, text="Paczka wyszła wczoraj.", then_status=chosen)
        started = services.start_thread(
            pok, author=author, recipient=recipient, subject="Zwrot", text="Przyjęliśmy zwrot.", then_status=chosen
        )
        return started.messages.get()


@pytest.mark.parametrize("retry", RETRIES)
@pytest.mark.parametrize("failure", FAILURES)
@pytest.mark.parametrize("action", ACTIONS)
def test_no_path_files_away_an_undelivered_reply(
    action, failure, retry, smtp_up, mail_pok, anna, incoming_thread, django_capture_on_commit_callbacks
):
    capture = django_capture_on_commit_callbacks
    recipient = incoming_thread.customer_email if action.startswith("reply") else "zofia@example.test"
    chosen = Status.ARCHIVED if action.endswith("archive") else Status.WAITING
    if failure == "smtp down":
        smtp_up.stop()
    elif failure == "recipient refused":
        smtp_up.refuse[recipient] = f"550 5.1.1 <{recipient}>: Recipient address rejected: User unknown"

    message = act(action, incoming_thread, mail_pok, anna, recipient, capture, send=failure != "interrupted")
    if failure == "interrupted":  # the sender claimed it and died before it could record anything
        assert outbox.claim(message.pk)
        Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(hours=1))
        assert outbox.send_due()["interrupted"] == 1
    message.refresh_from_db()
    thread = Thread.objects.get(pk=message.thread_id)
    assert message.delivery == Delivery.FAILED
    assert thread.status == Status.NEW and thread.undelivered
    assert_nothing_filed_away_undelivered()
    events = list(thread.events.filter(kind=EventKind.DELIVERY).values_list("old_value", "new_value"))
    if failure == "smtp down":  # retried automatically: marked sending, no "not delivered" yet
        assert message.failure == Failure.UNREACHABLE and message.next_attempt_at is not None
        assert thread.has_pending_delivery and events == []
    else:  # failed for good: back to new, with the reason in the history
        kind = Failure.RECIPIENT if failure == "recipient refused" else Failure.INTERRUPTED
        assert message.failure == kind and message.next_attempt_at is None
        assert not thread.has_pending_delivery and events == [(kind, Delivery.FAILED)]

    # A try while the fault is still there changes nothing.
    if failure == "smtp down":
        make_due(message)
        assert outbox.send_due() == {"sent": 0, "failed": 1, "interrupted": 0}
        assert Thread.objects.get(pk=thread.pk).status == Status.NEW
        assert_nothing_filed_away_undelivered()

    smtp_up.start()
    smtp_up.refuse.clear()
    if retry == "automatic":
        make_due(message)
        outbox.send_due()
    else:
        with capture(execute=True):
            assert outbox.retry(Message.objects.get(pk=message.pk))
    assert_nothing_filed_away_undelivered()
    message.refresh_from_db()
    thread.refresh_from_db()
    if retry == "automatic" and failure != "smtp down":
        # Failed for good is never retried by itself: still new, waiting for a person.
        assert message.delivery == Delivery.FAILED and thread.status == Status.NEW
        assert sent_copies(smtp_up, message.message_id) == 0
    else:
        assert message.delivery == Delivery.SENT and sent_copies(smtp_up, message.message_id) == 1
        assert thread.status == chosen and not thread.undelivered
        assert thread.events.filter(kind=EventKind.STATUS, new_value=chosen).get().actor == anna


def test_a_delivered_reply_files_the_thread_at_once(smtp_up, anna, incoming_thread, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(incoming_thread, author=anna, text="Gotowe", then_status=Status.ARCHIVED)
    incoming_thread.refresh_from_db()
    assert Message.objects.get(pk=reply.pk).then_status == ""
    assert incoming_thread.status == Status.ARCHIVED and not incoming_thread.undelivered


def test_until_sent_the_thread_is_new_and_marked_sending(anna, incoming_thread):
    """Queued, the commit hook not run (as when the request dies before it): new and sending."""
    services.change_status(incoming_thread, status=Status.WAITING)
    services.reply(incoming_thread, author=anna, text="Zaraz", then_status=Status.ARCHIVED)
    incoming_thread.refresh_from_db()
    assert incoming_thread.status == Status.NEW and incoming_thread.has_pending_delivery
    assert_nothing_filed_away_undelivered()
    status_events = incoming_thread.events.filter(kind=EventKind.STATUS).values_list("old_value", "new_value")
    assert list(status_events) == [(Status.NEW, Status.WAITING), (Status.WAITING, Status.NEW)]


def test_status_cannot_be_set_by_hand_while_a_reply_is_undelivered(anna, incoming_thread, smtp_up):
    services.reply(incoming_thread, author=anna, text="Zaraz", then_status=Status.WAITING)
    for status in (Status.WAITING, Status.ARCHIVED):
        with pytest.raises(services.ActionRefused, match="has not been delivered"):
            services.change_status(incoming_thread, status=status, actor=anna)
    assert Thread.objects.get(pk=incoming_thread.pk).status == Status.NEW


def test_a_note_meanwhile_changes_nothing(smtp_up, anna, incoming_thread, django_capture_on_commit_callbacks):
    smtp_up.stop()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(incoming_thread, author=anna, text="Odpowiedź", then_status=Status.ARCHIVED)
    services.add_note(incoming_thread, author=anna, text="Klient dzwonił")
    smtp_up.start()
    make_due(reply)
    assert outbox.send_due()["sent"] == 1
    assert Thread.objects.get(pk=incoming_thread.pk).status == Status.ARCHIVED


def test_another_reply_on_top_the_newest_choice_wins_once_all_are_delivered(
    smtp_up, anna, incoming_thread, django_capture_on_commit_callbacks
):
    smtp_up.stop()
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reply(incoming_thread, author=anna, text="Pierwsza", then_status=Status.ARCHIVED)
    smtp_up.start()
    with django_capture_on_commit_callbacks(execute=True):
        second = services.reply(
            Thread.objects.get(pk=incoming_thread.pk), author=anna, text="Druga", then_status=Status.WAITING
        )
    assert Message.objects.get(pk=second.pk).delivery == Delivery.SENT
    thread = Thread.objects.get(pk=incoming_thread.pk)
    assert thread.status == Status.NEW, "the first reply is still undelivered"
    assert_nothing_filed_away_undelivered()
    make_due(first)
    assert outbox.send_due()["sent"] == 1
    assert Thread.objects.get(pk=incoming_thread.pk).status == Status.WAITING


def test_a_customer_message_meanwhile_keeps_the_thread_new(
    smtp_up, anna, incoming_thread, django_capture_on_commit_callbacks
):
    smtp_up.stop()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(incoming_thread, author=anna, text="Odpowiedź", then_status=Status.ARCHIVED)
    store_message(
        incoming_thread.pok,
        mail(subject=f"Re: [{incoming_thread.token}] Gdzie paczka?", sender=incoming_thread.customer_email),
    )
    smtp_up.start()
    make_due(reply)
    assert outbox.send_due()["sent"] == 1
    thread = Thread.objects.get(pk=incoming_thread.pk)
    assert thread.status == Status.NEW and not thread.undelivered
    assert Message.objects.get(pk=reply.pk).then_status == "", "the choice is spent, not applied later"


def test_giving_up_a_failed_reply_frees_the_thread(smtp_up, anna, incoming_thread, django_capture_on_commit_callbacks):
    smtp_up.refuse[incoming_thread.customer_email] = "550 5.1.1 User unknown"
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(incoming_thread, author=anna, text="Odpowiedź", then_status=Status.ARCHIVED)
    assert outbox.give_up(Message.objects.get(pk=reply.pk), anna)
    assert not outbox.give_up(Message.objects.get(pk=reply.pk), anna), "only once"
    thread = Thread.objects.get(pk=incoming_thread.pk)
    assert thread.status == Status.NEW and not thread.undelivered, "a given-up reply applies no choice"
    assert services.change_status(thread, status=Status.ARCHIVED, actor=anna)
    events = thread.events.filter(kind=EventKind.DELIVERY).values_list("new_value", "actor__username")
    assert list(events) == [(Delivery.FAILED, None), (Delivery.CANCELLED, "anna")]
