"""Which thread a message joins (spec 11) and what it does to the thread's status."""

import pytest

from mailsync.storing import store_message
from tests.factories import make_pok
from tests.mailsync.mails import mail
from threads import services
from threads.models import EventKind, Message, Status, Thread

pytestmark = pytest.mark.django_db


def receive(pok, raw):
    outcome, message = store_message(pok, raw)
    return message


@pytest.fixture
def first(pok):
    return receive(pok, mail(subject="Gdzie paczka?", message_id="<first@example.pl>"))


def test_a_message_without_token_starts_a_thread(pok, first):
    thread = first.thread
    assert thread.status == Status.NEW and thread.message_count == 1
    assert thread.customer_email == "jan@example.pl" and thread.customer_name == "Jan Kowalski"
    assert thread.events.get().kind == EventKind.CREATED


def test_the_token_finds_the_thread(pok, first):
    thread = first.thread
    reply = receive(pok, mail(subject=f"Odp: [{thread.token}] Gdzie paczka?"))
    assert reply.thread == thread
    thread.refresh_from_db()
    assert thread.message_count == 2 and thread.last_message_at == reply.date


def test_token_anywhere_in_the_subject(pok, first):
    reply = receive(pok, mail(subject=f"pytanie o zamówienie{first.thread.token}!"))
    assert reply.thread == first.thread


def test_references_find_the_thread_when_the_token_was_dropped(pok, first):
    reply = receive(pok, mail(subject="Re: Gdzie paczka?", in_reply_to="<first@example.pl>"))
    assert reply.thread == first.thread
    other = receive(pok, mail(subject="Something", references="<unknown@x> <first@example.pl>"))
    assert other.thread == first.thread


def test_reference_to_an_archived_thread_with_a_new_subject_starts_a_new_thread(pok, first):
    services.change_status(first.thread, status=Status.ARCHIVED)
    new_topic = receive(pok, mail(subject="Zupełnie inna sprawa", in_reply_to="<first@example.pl>"))
    assert new_topic.thread != first.thread
    same_topic = receive(pok, mail(subject="RE: Gdzie paczka?", in_reply_to="<first@example.pl>"))
    assert same_topic.thread == first.thread


def test_token_of_another_poks_thread_starts_a_thread_here(pok, first):
    other_pok = make_pok(name="Other")
    message = receive(other_pok, mail(subject=f"Re: [{first.thread.token}] Gdzie paczka?"))
    assert message.thread.pok == other_pok
    assert message.thread != first.thread


def test_customer_message_reopens_waiting_and_archived_threads(pok, first):
    thread = first.thread
    for status in (Status.WAITING, Status.ARCHIVED):
        services.change_status(thread, status=status)
        receive(pok, mail(subject=f"Re: [{thread.token}] x"))
        thread.refresh_from_db()
        assert thread.status == Status.NEW
        event = thread.events.order_by("-id").first()
        assert (event.kind, event.old_value, event.new_value, event.actor) == (
            EventKind.STATUS,
            status,
            Status.NEW,
            None,
        )


def test_unknown_sender_with_a_token_joins_but_is_marked(pok, first):
    stranger = receive(pok, mail(subject=f"Re: [{first.thread.token}]", sender="someone@else.example"))
    assert stranger.thread == first.thread and stranger.unknown_sender
    known = receive(pok, mail(subject=f"Re: [{first.thread.token}]", sender="JAN@example.pl"))
    assert not known.unknown_sender


@pytest.mark.parametrize(
    "headers, subject",
    [
        ({"Auto-Submitted": "auto-replied"}, "Re: x"),
        ({"X-Autoreply": "yes"}, "Re: x"),
        ({"Precedence": "auto_reply"}, "Re: x"),
        ({}, "Automatyczna odpowiedź: Re: x"),
        ({}, "Out of Office: x"),
    ],
)
def test_auto_replies_never_reopen(pok, first, headers, subject):
    thread = first.thread
    services.change_status(thread, status=Status.WAITING)
    reply = receive(pok, mail(subject=f"{subject} [{thread.token}]", headers=headers))
    assert reply.thread == thread and reply.is_auto_reply
    thread.refresh_from_db()
    assert thread.status == Status.WAITING


def test_unmatched_auto_reply_lands_archived(pok):
    message = receive(pok, mail(subject="Out of office", headers={"Auto-Submitted": "auto-replied"}))
    assert message.thread.status == Status.ARCHIVED


def test_our_own_sent_copy_is_not_imported(pok, first, django_user_model):
    staff = django_user_model.objects.create_user("anna", is_staff=True)
    sent = services.reply(first.thread, author=staff, text="Odpowiedź", then_status=Status.WAITING)
    copy = sent.raw.read()
    outcome, message = store_message(pok, copy)
    assert outcome == "duplicate" and message is None
    assert Message.objects.filter(thread=first.thread).count() == 2


def test_the_same_message_twice_is_stored_once(pok):
    raw = mail(message_id="<twice@example.pl>")
    assert store_message(pok, raw)[0] == "new"
    assert store_message(pok, raw)[0] == "duplicate"
    no_id = mail(message_id="")
    assert store_message(pok, no_id)[0] == "new"
    assert store_message(pok, no_id)[0] == "duplicate"
    assert Message.objects.count() == 2 and Thread.objects.count() == 2


def test_reply_text_is_what_the_customer_wrote(pok, first):
    body = "Dziękuję, doszła.\n\nW dniu 23.11.2026 o 10:00, BOK pisze:\n> Paczka wysłana\n"
    message = receive(pok, mail(subject=f"Re: [{first.thread.token}]", body=body))
    assert message.reply_text == "Dziękuję, doszła."
    assert "Paczka wysłana" in message.body_text
