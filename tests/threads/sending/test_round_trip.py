"""Staff reply -> SMTP -> the customer's mailbox -> the customer's answer -> sync_inbox -> same thread."""

from email import message_from_bytes, policy

import pytest

from mailsync.imap_sync import sync_pok
from tests.mailsync.mails import mail
from threads import services
from threads.models import Delivery, Message, Status, Thread

pytestmark = pytest.mark.django_db


def customer_writes(dovecot, pok, customer, subject, body, **headers):
    address, _user, _password = customer
    raw = mail(subject=subject, body=body, sender=f"Jan Kowalski <{address}>", to=pok.from_address, **headers)
    dovecot.deliver(pok.imap_user, raw)


def test_round_trip(dovecot, mail_pok, customer, anna, smtp_up, django_capture_on_commit_callbacks):
    customer_writes(dovecot, mail_pok, customer, "Gdzie jest paczka?", "Dzień dobry, gdzie paczka?")
    assert sync_pok(mail_pok).new == 1
    thread = Thread.objects.get(pok=mail_pok)

    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="Paczka wyszła wczoraj.", then_status=Status.WAITING)
    reply.refresh_from_db()
    assert reply.delivery == Delivery.SENT and reply.attempts == 1

    address, user, password = customer
    [(_uid, delivered)] = dovecot.fetch_all(user, password)
    received = message_from_bytes(delivered, policy=policy.default)
    assert received["Subject"] == f"[{thread.token}] Gdzie jest paczka?"
    assert received["Message-ID"].strip("<>") == reply.message_id
    text = received.get_body(("plain",)).get_content()
    assert text.startswith("-- Wpisz odpowiedź powyżej tej linii --")
    assert "Paczka wyszła wczoraj." in text

    quoted = "\n".join(f"> {line}" for line in text.splitlines())
    answer = f"Dziękuję, odbiorę jutro.\n\nW dniu 23.11.2026 o 10:00, Sklep Gęś – BOK pisze:\n{quoted}\n"
    customer_writes(
        dovecot,
        mail_pok,
        customer,
        f"Re: {received['Subject']}",
        answer,
        in_reply_to=received["Message-ID"],
        references=received["Message-ID"],
    )
    report = sync_pok(mail_pok)
    assert report.new == 1
    answer_message = Message.objects.filter(direction="in").latest("id")
    assert answer_message.thread == thread
    assert answer_message.reply_text == "Dziękuję, odbiorę jutro."
    thread.refresh_from_db()
    assert thread.status == Status.NEW and thread.message_count == 3


def test_top_posted_answer_is_cut_at_the_marker(
    dovecot, mail_pok, customer, anna, smtp_up, django_capture_on_commit_callbacks
):
    customer_writes(dovecot, mail_pok, customer, "Zwrot", "Chcę zwrócić towar.")
    sync_pok(mail_pok)
    thread = Thread.objects.get(pok=mail_pok)
    with django_capture_on_commit_callbacks(execute=True):
        services.reply(thread, author=anna, text="Proszę odesłać paczkę.", then_status=Status.ARCHIVED)
    _address, user, password = customer
    [(_uid, delivered)] = dovecot.fetch_all(user, password)
    original = message_from_bytes(delivered, policy=policy.default).get_body(("plain",)).get_content()
    # A client that pastes the whole mail under the answer, without quote marks or a quote header.
    customer_writes(dovecot, mail_pok, customer, f"[{thread.token}] Zwrot", f"OK, odsyłam.\n{original}")
    sync_pok(mail_pok)
    answer = Message.objects.filter(direction="in").latest("id")
    assert answer.thread == thread and answer.reply_text == "OK, odsyłam."
    thread.refresh_from_db()
    assert thread.status == Status.NEW
