"""Acknowledgement of new requests through Dovecot and aiosmtpd: once, with the token, in
the POK's language; never to auto-replies, bounces, lists or no-reply senders; a loop guard per sender."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from mailsync.imap_sync import sync_pok
from pok.models import Pok
from tests.mailsync.mails import mail
from tests.mailsync.parsing.test_bounces import sample
from threads import outbox, services
from threads.models import AcknowledgementTemplate, Direction, Message, Status, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def acking_pok(mail_pok):
    Pok.objects.filter(pk=mail_pok.pk).update(acknowledge_new=True)
    mail_pok.refresh_from_db()
    return mail_pok


def arrive(dovecot, pok, raw) -> Thread:
    dovecot.deliver(pok.imap_user, raw)
    assert sync_pok(pok).new == 1
    return Thread.objects.filter(pok=pok).latest("id")


def acknowledgements_to(smtp_server, address):
    return [message_from_bytes(raw, policy=policy.default) for _f, to, raw in smtp_server.messages if to == [address]]


def test_a_new_request_is_acknowledged_once_with_its_token(dovecot, acking_pok, customer, smtp_up, settings):
    address = customer[0]
    before = len(acknowledgements_to(smtp_up, address))
    thread = arrive(dovecot, acking_pok, mail(subject="Gdzie paczka?", sender=f"Jan <{address}>"))
    ack = thread.messages.get(direction=Direction.OUTGOING)
    assert ack.is_acknowledgement and ack.author is None and ack.to == address
    assert outbox.send_due()["sent"] == 1
    [sent] = acknowledgements_to(smtp_up, address)[before:]
    assert sent["Subject"] == f"[{thread.token}] Gdzie paczka?"
    assert f"Zgłoszenie otrzymało numer {thread.token}" in sent.get_body(("plain",)).get_content()
    thread.refresh_from_db()
    assert thread.status == Status.NEW and not thread.undelivered
    assert services.change_status(thread, status=Status.ARCHIVED), "an acknowledgement never holds the thread"

    # The same customer again, soon: a new thread, no second acknowledgement (loop guard).
    second = arrive(dovecot, acking_pok, mail(subject="Jeszcze jedno", sender=address))
    assert not second.messages.filter(direction=Direction.OUTGOING).exists()
    # Once the quiet hours are over, a new request is acknowledged again.
    Message.objects.filter(is_acknowledgement=True).update(
        created_at=timezone.now() - timedelta(hours=settings.CRM_ACK_QUIET_HOURS + 1)
    )
    third = arrive(dovecot, acking_pok, mail(subject="Trzecie", sender=address))
    assert third.messages.filter(is_acknowledgement=True).count() == 1
    # A follow-up in a thread is no new request.
    arrive_follow_up = mail(subject=f"Re: [{third.token}] Trzecie", sender=address)
    dovecot.deliver(acking_pok.imap_user, arrive_follow_up)
    sync_pok(acking_pok)
    assert third.messages.filter(is_acknowledgement=True).count() == 1


def test_the_pok_template_in_its_language(dovecot, acking_pok, customer, smtp_up):
    Pok.objects.filter(pk=acking_pok.pk).update(language="en")
    acking_pok.refresh_from_db()
    AcknowledgementTemplate.objects.create(pok=acking_pok, language="pl", text="Polski {token}")
    AcknowledgementTemplate.objects.create(pok=acking_pok, language="en", text="We got it: {token} ({subject}).")
    thread = arrive(dovecot, acking_pok, mail(subject="Parcel", sender=customer[0]))
    assert thread.messages.get(is_acknowledgement=True).body_text == f"We got it: {thread.token} (Parcel)."


def test_off_by_default(dovecot, mail_pok, customer):
    thread = arrive(dovecot, mail_pok, mail(subject="Pytanie", sender=customer[0]))
    assert not thread.messages.filter(direction=Direction.OUTGOING).exists()


@pytest.mark.parametrize(
    ("sender", "headers"),
    [
        ("jan@example.test", {"Auto-Submitted": "auto-replied"}),
        ("jan@example.test", {"X-Autoreply": "yes"}),
        ("jan@example.test", {"List-Id": "Klienci <klienci.lists.example.test>"}),
        ("jan@example.test", {"Precedence": "list"}),
        ("jan@example.test", {"Precedence": "bulk"}),
        ("jan@example.test", {"List-Unsubscribe": "<mailto:unsubscribe@lists.example.test>"}),
        ("noreply@sklep.example", {}),
        ("no-reply@allegro.example", {}),
        ("do-not-reply@bank.example", {}),
    ],
)
def test_never_to_automatic_list_or_no_reply_mail(dovecot, acking_pok, sender, headers):
    thread = arrive(dovecot, acking_pok, mail(subject="Informacja", sender=sender, headers=headers))
    assert not thread.messages.filter(direction=Direction.OUTGOING).exists()


def test_never_to_a_bounce(dovecot, acking_pok):
    thread = arrive(dovecot, acking_pok, sample("postfix.eml", message_id="x@example.org", token="#ZZZZZZZ"))
    assert not thread.messages.filter(direction=Direction.OUTGOING).exists()


def test_never_to_old_mail_of_a_first_sync(dovecot, acking_pok, customer):
    old = mail(subject="Stare", sender=customer[0], when=timezone.now() - timedelta(days=30))
    thread = arrive(dovecot, acking_pok, old)
    assert not thread.messages.filter(direction=Direction.OUTGOING).exists()


def test_never_to_our_own_address(dovecot, acking_pok):
    thread = arrive(dovecot, acking_pok, mail(subject="Test", sender=acking_pok.from_address))
    assert not thread.messages.filter(direction=Direction.OUTGOING).exists()
