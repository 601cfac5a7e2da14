"""The outbox: committed first, sent after, failures kept and retried, never sent twice."""

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
from django.utils import timezone

from pok.models import Pok
from tests.mailsync.mails import mail
from tests.threads.sending.conftest import sent_copies
from threads import outbox, services
from threads.composing import OutgoingFile
from threads.models import Delivery, Message, Status, Thread

pytestmark = pytest.mark.django_db


@pytest.fixture
def thread(mail_pok, customer):
    from mailsync.storing import store_message

    address, _user, _password = customer
    _outcome, message = store_message(
        mail_pok,
        mail(
            subject="Reklamacja",
            sender=f"Jan <{address}>",
            message_id="<customer-1@example.pl>",
            references="<older@example.pl>",
        ),
    )
    return message.thread


def make_due(message):
    Message.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


def test_smtp_down_then_up_delivers_exactly_once(thread, anna, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.stop()
    try:
        with django_capture_on_commit_callbacks(execute=True):
            reply = services.reply(thread, author=anna, text="Odpowiedź", then_status=Status.WAITING)
        reply.refresh_from_db()
        assert reply.delivery == Delivery.FAILED and reply.attempts == 1
        assert "connection refused" in reply.last_error and "\n" not in reply.last_error
        assert reply.next_attempt_at > timezone.now()
        assert Thread.objects.get(pk=thread.pk).has_failed_delivery
        assert outbox.send_due() == {"sent": 0, "failed": 0, "interrupted": 0}, "back-off not over yet"
    finally:
        smtp_server.start()
    make_due(reply)
    assert outbox.send_due()["sent"] == 1
    assert outbox.send_due()["sent"] == 0
    reply.refresh_from_db()
    assert reply.delivery == Delivery.SENT and reply.attempts == 2 and reply.last_error == ""
    assert sent_copies(smtp_server, reply.message_id) == 1
    assert not Thread.objects.get(pk=thread.pk).has_failed_delivery


def test_wrong_smtp_password_is_one_clear_error(thread, anna, smtp_auth_server, django_capture_on_commit_callbacks):
    user, _password = smtp_auth_server.auth
    Pok.objects.filter(pk=thread.pok_id).update(smtp_port=smtp_auth_server.port, smtp_user=user)
    pok = Pok.objects.get(pk=thread.pok_id)
    pok.smtp_password = "wrong-password"
    pok.save()
    thread.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="x", then_status=Status.WAITING)
    reply.refresh_from_db()
    assert reply.delivery == Delivery.FAILED
    assert (
        reply.last_error
        == f"SMTP {user}@127.0.0.1:{smtp_auth_server.port}: login refused (check the SMTP user and password)"
    )
    pok.smtp_password = smtp_auth_server.auth[1]
    pok.save()
    assert outbox.retry(reply)
    reply.refresh_from_db()
    assert reply.delivery == Delivery.QUEUED
    assert outbox.deliver(reply.pk) is True


def test_a_person_can_retry_at_once(thread, anna, smtp_server, django_capture_on_commit_callbacks):
    smtp_server.stop()
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="x", then_status=Status.WAITING)
    smtp_server.start()
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox.retry(Message.objects.get(pk=reply.pk))
    reply.refresh_from_db()
    assert reply.delivery == Delivery.SENT
    assert not outbox.retry(reply), "a sent message cannot be retried"
    assert sent_copies(smtp_server, reply.message_id) == 1


def test_an_interrupted_send_is_never_retried_automatically(thread, anna, smtp_server):
    reply = services.reply(thread, author=anna, text="x", then_status=Status.WAITING)
    Message.objects.filter(pk=reply.pk).update(
        delivery=Delivery.SENDING, next_attempt_at=timezone.now() - timedelta(hours=1)
    )
    assert outbox.send_due()["interrupted"] == 1
    reply.refresh_from_db()
    assert reply.delivery == Delivery.FAILED and reply.next_attempt_at is None
    assert "may have been delivered" in reply.last_error
    assert outbox.send_due()["sent"] == 0
    assert sent_copies(smtp_server, reply.message_id) == 0


def test_the_outgoing_mail(thread, anna, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = services.reply(
            thread,
            author=anna,
            text="Pierwsza odpowiedź",
            then_status=Status.WAITING,
            files=[OutgoingFile("faktura ż.pdf", b"%PDF-1.4 test", "application/pdf")],
        )
    [raw] = [raw for _f, _t, raw in smtp_server.messages if f"<{first.message_id}>".encode() in raw]
    sent = message_from_bytes(raw, policy=policy.default)
    assert sent["From"] == f"Sklep Gęś – BOK <{thread.pok.from_address}>"
    assert sent["To"] == thread.customer_email
    assert sent["Subject"] == f"[{thread.token}] Reklamacja"
    assert sent["In-Reply-To"] == "<customer-1@example.pl>"
    assert sent["References"] == "<older@example.pl> <customer-1@example.pl>"
    assert sent.get_body(("plain",)).get_content().startswith("-- Wpisz odpowiedź powyżej tej linii --")
    assert "Wpisz odpowiedź powyżej tej linii" in sent.get_body(("html",)).get_content()
    [attachment] = list(sent.iter_attachments())
    assert attachment.get_filename() == "faktura ż.pdf" and attachment.get_content() == b"%PDF-1.4 test"
    assert first.attachments.get().filename == "faktura ż.pdf"

    from mailsync.storing import store_message

    store_message(thread.pok, mail(subject=f"Re: Re: [{thread.token}] Reklamacja", sender=thread.customer_email))
    with django_capture_on_commit_callbacks(execute=True):
        second = services.reply(Thread.objects.get(pk=thread.pk), author=anna, text="Druga", then_status=Status.WAITING)
    assert second.subject == f"[{thread.token}] Reklamacja"


def test_english_pok_writes_the_english_marker(thread, anna, smtp_server, django_capture_on_commit_callbacks):
    Pok.objects.filter(pk=thread.pok_id).update(language="en")
    thread = Thread.objects.select_related("pok").get(pk=thread.pk)
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="Hello", then_status=Status.WAITING)
    text = message_from_bytes(reply.raw.read(), policy=policy.default).get_body(("plain",)).get_content()
    assert text.startswith("-- Type your reply above this line --")


def test_references_are_trimmed(mail_pok, anna, customer):
    from mailsync.storing import store_message

    chain = " ".join(f"<id{n}@example.pl>" for n in range(60))
    _o, message = store_message(mail_pok, mail(sender=customer[0], references=chain, message_id="<last@example.pl>"))
    reply = services.reply(message.thread, author=anna, text="x", then_status=Status.WAITING)
    references = reply.references.split()
    assert len(references) == 10 and references[-1] == "last@example.pl" and references[0] == "id51@example.pl"


def test_attachment_limit(thread, anna, settings):
    settings.CRM_MAX_ATTACHMENT_BYTES = 1000
    with pytest.raises(services.ActionRefused, match="CRM_MAX_ATTACHMENT_BYTES"):
        services.reply(
            thread, author=anna, text="x", files=[OutgoingFile("big.bin", b"x" * 1001)], then_status=Status.WAITING
        )
    assert not Message.objects.filter(direction="out").exists()


def test_notes_are_never_sent(thread, anna, smtp_server, django_capture_on_commit_callbacks):
    before = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        note = services.add_note(thread, author=anna, text="Tylko dla nas")
    assert note.direction == "note" and note.delivery == "" and not note.raw
    assert outbox.send_due()["sent"] == 0
    assert len(smtp_server.messages) == before
    thread.refresh_from_db()
    assert thread.status == Status.NEW and thread.message_count == 1


def test_new_thread(mail_pok, anna, customer, smtp_server, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.start_thread(
            mail_pok,
            author=anna,
            recipient=customer[0].upper(),
            subject="Twoje zamówienie",
            text="Dzień dobry",
            then_status=Status.ARCHIVED,
        )
    thread.refresh_from_db()  # archived on delivery, after the commit
    assert thread.status == Status.ARCHIVED and thread.owner == anna and thread.customer_email == customer[0]
    message = thread.messages.get()
    assert message.delivery == Delivery.SENT and message.subject == f"[{thread.token}] Twoje zamówienie"
    assert list(thread.events.values_list("kind", flat=True)) == ["created", "assigned", "status"]
    with pytest.raises(services.ActionRefused):
        services.start_thread(mail_pok, author=anna, recipient="not an address", subject="x", text="y")


def test_sent_copy_goes_to_the_sent_folder(thread, anna, smtp_server, dovecot, django_capture_on_commit_callbacks):
    Pok.objects.filter(pk=thread.pok_id).update(imap_sent_folder="Sent")
    thread = Thread.objects.select_related("pok").get(pk=thread.pk)
    pok = thread.pok
    with dovecot.imap(pok.imap_user, pok.imap_password.reveal()) as client:
        client.create_folder("Sent")
    with django_capture_on_commit_callbacks(execute=True):
        reply = services.reply(thread, author=anna, text="Kopia", then_status=Status.WAITING)
    [(_uid, raw)] = dovecot.fetch_all(pok.imap_user, pok.imap_password.reveal(), "Sent")
    assert f"<{reply.message_id}>".encode() in raw
