"""Thread actions (spec 9.2, 10): reply, note, status, assign, retry, new thread; CSRF."""

from email import message_from_bytes

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.factories import make_staff
from tests.threads.ui.mails import receive
from threads import services
from threads.models import Delivery, Direction, EventKind, Message, Status, Thread


def post(client, name, thread, data=None, **extra):
    return client.post(reverse(name, args=[thread.public_id]), data or {}, **extra)


def followed_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def test_reply_and_archive_sends_the_mail_with_attachments(
    anna_client, sending_pok, anna, smtp_server, django_capture_on_commit_callbacks
):
    thread = receive(sending_pok).thread
    files = [
        SimpleUploadedFile("a.txt", b"alpha", "text/plain"),
        SimpleUploadedFile("b.pdf", b"%PDF-1", "application/pdf"),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            anna_client,
            "threads:reply",
            thread,
            {"text": "Your parcel is on its way", "action": "archive", "files": files},
        )
    assert response.status_code == 302 and response["Location"] == reverse("threads:detail", args=[thread.public_id])
    thread.refresh_from_db()
    assert thread.status == Status.ARCHIVED and thread.owner == anna
    reply = thread.messages.get(direction=Direction.OUTGOING)
    assert reply.delivery == Delivery.SENT and sorted(a.filename for a in reply.attachments.all()) == ["a.txt", "b.pdf"]
    _sender, recipients, raw = smtp_server.messages[-1]
    assert recipients == ["jan@example.com"]
    mail = message_from_bytes(raw)
    assert thread.token in mail["Subject"]
    assert sorted(part.get_filename() for part in mail.walk() if part.get_filename()) == ["a.txt", "b.pdf"]
    page = anna_client.get(response["Location"]).content.decode()
    # The send ran when the test's transaction let it, after the view: the flash says "queued".
    assert "Queued for sending" in page and "badge-delivery-sent" in page


def test_reply_and_wait_is_new_and_sending_until_delivered(anna_client, pok_a):
    thread = receive(pok_a).thread
    post(anna_client, "threads:reply", thread, {"text": "Please send a photo", "action": "wait"})
    thread.refresh_from_db()
    assert thread.status == Status.NEW and thread.has_pending_delivery
    reply = thread.messages.get(direction=Direction.OUTGOING, body_text="Please send a photo")
    assert reply.then_status == Status.WAITING


def test_add_note_is_stored_and_never_sent(anna_client, sending_pok, smtp_server, django_capture_on_commit_callbacks):
    thread = receive(sending_pok).thread
    sent_before = len(smtp_server.messages)
    with django_capture_on_commit_callbacks(execute=True):
        post(anna_client, "threads:reply", thread, {"text": "Customer called", "action": "note"})
    note = thread.messages.get(direction=Direction.NOTE)
    assert note.body_text == "Customer called" and note.delivery == ""
    assert len(smtp_server.messages) == sent_before
    thread.refresh_from_db()
    assert thread.status == Status.NEW


def test_empty_reply_is_refused_with_the_form_kept(anna_client, pok_a):
    thread = receive(pok_a).thread
    response = post(anna_client, "threads:reply", thread, {"text": "  ", "action": "archive"})
    assert response.status_code == 400
    assert "Write a message first." in response.content.decode()
    assert not thread.messages.exclude(direction=Direction.INCOMING).exists()


def test_refused_reply_is_shown_and_keeps_the_text(anna_client, pok_a, settings):
    settings.CRM_MAX_ATTACHMENT_BYTES = 10
    thread = receive(pok_a).thread
    big = SimpleUploadedFile("big.bin", b"x" * 100)
    response = post(anna_client, "threads:reply", thread, {"text": "Here it is", "action": "wait", "files": [big]})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Attachments are too large" in page and "Here it is" in page
    assert not thread.messages.filter(direction=Direction.OUTGOING).exists()


def test_status_change_by_plain_post_redirects_and_writes_history(anna_client, pok_a, anna):
    thread = receive(pok_a).thread
    response = post(anna_client, "threads:state", thread, {"status": "waiting"})
    assert response.status_code == 302
    thread.refresh_from_db()
    assert thread.status == Status.WAITING
    event = thread.events.get(kind=EventKind.STATUS)
    assert (event.old_value, event.new_value, event.actor) == ("new", "waiting", anna)


def test_status_change_by_htmx_returns_the_panels(anna_client, pok_a):
    thread = receive(pok_a).thread
    response = post(anna_client, "threads:state", thread, {"status": "archived"}, HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="thread-state"' in page and 'data-testid="status">archived<' in page
    assert 'id="history" class="history" hx-swap-oob="true"' in page and "Status: new → archived" in page
    assert 'id="nav-panels" class="pok-chips" hx-swap-oob="true"' in page
    assert "Status changed." in page


def test_unknown_status_is_refused(anna_client, pok_a):
    thread = receive(pok_a).thread
    response = post(anna_client, "threads:state", thread, {"status": "deleted"}, follow=True)
    assert "Unknown status." in followed_messages(response)
    thread.refresh_from_db()
    assert thread.status == Status.NEW


def test_one_submit_changes_status_and_owner_each_through_its_service(anna_client, pok_a, anna):
    colleague = make_staff("carol", pok_a)
    colleague.first_name, colleague.last_name = "Carol", "Kowalska"
    colleague.save()
    thread = receive(pok_a).thread
    response = post(
        anna_client, "threads:state", thread, {"status": "waiting", "owner": colleague.pk}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    thread.refresh_from_db()
    assert (thread.status, thread.owner) == (Status.WAITING, colleague)
    assert sorted(thread.events.exclude(kind=EventKind.CREATED).values_list("kind", flat=True)) == [
        EventKind.ASSIGNED,
        EventKind.STATUS,
    ]
    assert "Owner changed." in page and "Status changed." in page
    assert "Assigned to Carol Kowalska" in page and 'data-testid="owner">Carol Kowalska<' in page
    assert page.count("<form") == 1 and page.count('type="submit"') == 1


def test_the_state_form_changes_only_what_was_changed(anna_client, pok_a, anna):
    """The owner kept when only the status is posted, and a spam thread stays spam when its owner changes."""
    thread = receive(pok_a).thread
    services.assign_owner(thread, owner=anna)
    response = post(anna_client, "threads:state", thread, {"status": "archived"}, follow=True)
    thread.refresh_from_db()
    assert (thread.status, thread.owner) == (Status.ARCHIVED, anna)
    assert followed_messages(response) == ["Status changed."]
    services.mark_spam(thread, actor=anna)
    response = post(anna_client, "threads:state", thread, {"status": "spam", "owner": ""}, follow=True)
    thread.refresh_from_db()
    assert (thread.status, thread.owner) == (Status.SPAM, None)
    assert followed_messages(response) == ["Owner changed."]


def test_a_status_refused_by_the_rules_still_reports_the_owner_change(anna_client, pok_a, anna):
    """change_status keeps a thread with an undelivered reply new: the owner still changes, both said."""
    colleague = make_staff("carol", pok_a)
    thread = receive(pok_a).thread
    services.reply(thread, author=anna, text="Not out yet")
    response = post(anna_client, "threads:state", thread, {"status": "archived", "owner": colleague.pk}, follow=True)
    thread.refresh_from_db()
    assert (thread.status, thread.owner) == (Status.NEW, colleague)
    said = followed_messages(response)
    assert said[0] == "Owner changed." and "has not been delivered" in said[1]


def test_assign_to_poks_staff_and_back_to_nobody(anna_client, pok_a, anna):
    colleague = make_staff("carol", pok_a)
    thread = receive(pok_a).thread
    post(anna_client, "threads:state", thread, {"owner": colleague.pk})
    thread.refresh_from_db()
    assert thread.owner == colleague
    response = post(anna_client, "threads:state", thread, {"owner": ""}, HTTP_HX_REQUEST="true")
    thread.refresh_from_db()
    assert thread.owner is None
    assert "Unassigned (was carol)" in response.content.decode()


def test_assign_to_someone_outside_the_pok_is_refused_clearly(anna_client, pok_a, bob):
    thread = receive(pok_a).thread
    response = post(anna_client, "threads:state", thread, {"owner": bob.pk}, follow=True)
    assert "Only staff of this service point can own its threads." in followed_messages(response)
    thread.refresh_from_db()
    assert thread.owner is None


def test_action_refused_by_the_rules_is_shown(anna_client, pok_a, anna):
    """A staff member removed from the POK's staff between page load and click."""
    thread = receive(pok_a).thread
    services.assign_owner(thread, owner=anna)
    anna.is_active = False
    anna.save()
    admin = make_staff("root", superuser=True)
    client = Client()
    client.force_login(admin)
    response = post(client, "threads:state", thread, {"owner": anna.pk}, follow=True)
    assert "Only staff of this service point can own its threads." in followed_messages(response)


def test_retry_sends_a_failed_reply_again(
    anna_client, sending_pok, anna, smtp_server, django_capture_on_commit_callbacks
):
    thread = receive(sending_pok).thread
    reply = services.reply(thread, author=anna, text="Second try")
    Message.objects.filter(pk=reply.pk).update(delivery=Delivery.FAILED, last_error="timeout", attempts=1)
    with django_capture_on_commit_callbacks(execute=True):
        response = anna_client.post(reverse("threads:retry", args=[thread.public_id, reply.pk]), follow=True)
    assert followed_messages(response) == [
        "Queued for sending; the thread stays in the INBOX, marked “sending”, until it is delivered."
    ]
    reply.refresh_from_db()
    assert reply.delivery == Delivery.SENT
    assert any(b"Second try" in raw for _sender, _to, raw in smtp_server.messages)


def test_retry_of_a_sent_message_does_nothing(anna_client, pok_a, anna):
    thread = receive(pok_a).thread
    reply = services.reply(thread, author=anna, text="Done")
    Message.objects.filter(pk=reply.pk).update(delivery=Delivery.SENT)
    response = anna_client.post(reverse("threads:retry", args=[thread.public_id, reply.pk]), follow=True)
    assert "Only a message that failed to send can be retried." in followed_messages(response)


def test_retry_only_for_outgoing_messages(anna_client, pok_a):
    message = receive(pok_a)
    response = anna_client.post(reverse("threads:retry", args=[message.thread.public_id, message.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize(("action", "status"), [("archive", Status.ARCHIVED), ("wait", Status.WAITING)])
def test_new_thread_sends_and_opens_the_thread(
    anna_client, sending_pok, anna, smtp_server, action, status, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = anna_client.post(
            reverse("threads:new", args=[sending_pok.pk]),
            {
                "recipient": "Zofia@Example.com",
                "subject": "Your return",
                "text": "We received the parcel.",
                "action": action,
                "files": [SimpleUploadedFile("label.pdf", b"%PDF", "application/pdf")],
            },
        )
    thread = Thread.objects.get(subject="Your return")
    assert response.status_code == 302 and response["Location"] == reverse("threads:detail", args=[thread.public_id])
    assert (thread.pok, thread.customer_email, thread.status, thread.owner) == (
        sending_pok,
        "zofia@example.com",
        status,
        anna,
    )
    message = thread.messages.get()
    assert message.delivery == Delivery.SENT and message.attachments.get().filename == "label.pdf"
    assert smtp_server.messages[-1][1] == ["zofia@example.com"]


def test_new_thread_with_a_bad_recipient_keeps_the_form(anna_client, pok_a):
    response = anna_client.post(
        reverse("threads:new", args=[pok_a.pk]),
        {"recipient": "not an address", "subject": "Hi", "text": "x", "action": "wait"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a valid email address." in page and 'value="Hi"' in page
    assert not Thread.objects.exists()


def test_every_post_needs_the_csrf_token(anna, pok_a):
    thread = receive(pok_a).thread
    client = Client(enforce_csrf_checks=True)
    client.force_login(anna)
    for name, data in (
        ("threads:state", {"status": "archived", "owner": anna.pk}),
        ("threads:reply", {"text": "x", "action": "note"}),
    ):
        assert post(client, name, thread, data).status_code == 403
    new = client.post(
        reverse("threads:new", args=[pok_a.pk]),
        {"recipient": "a@example.com", "subject": "s", "text": "t", "action": "wait"},
    )
    assert new.status_code == 403
    thread.refresh_from_db()
    assert thread.status == Status.NEW and thread.owner is None and thread.messages.count() == 1
